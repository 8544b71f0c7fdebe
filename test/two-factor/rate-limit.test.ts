import { describe, expect, it } from "vitest";
import { newTenant } from "../support/api.ts";
import { codeIn, enrol, otherThan, passwordStep, verify } from "./support.ts";

describe("POST /api/v1/auth/2fa/verify, per account", () => {
  it("allows 10 code guesses per 15 minutes for one user, even from 11 different addresses", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);
    const { challenge } = await passwordStep(tenant);
    const wrong = otherThan(await codeIn(secret, 0));

    // verify() sends each request from a new random IPv6 /64, so only the account limit applies.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await verify(challenge, { code: wrong })).status);
    const eleventh = await verify(challenge, { code: await codeIn(secret, 1) });

    expect(statuses).toEqual(Array(10).fill(401));
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error?.code).toBe("RATE_LIMITED");
  });

  it("does not let a forged challenge spend another user's budget", async () => {
    const victim = await newTenant();
    const { secret } = await enrol(victim);
    const { challenge } = await passwordStep(victim);
    const forged = `${challenge?.slice(0, -4)}AAAA`;

    for (let i = 0; i < 12; i++) {
      const res = await verify(forged, { code: "123456" });
      expect(res.status).toBe(401);
    }
    const genuine = await verify(challenge, { code: await codeIn(secret, 1) });

    expect(genuine.status).toBe(200);
  });
});
