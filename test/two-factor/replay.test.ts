/**
 * A code is accepted at most once per user and time step, also when the same code arrives in
 * several requests at the same moment: the statement that accepts it also moves the user's last
 * step forward, and a request that loses the race rolls back entirely.
 */
import { describe, expect, it } from "vitest";
import { newTenant } from "../support/api.ts";
import {
  auditOf,
  awayFromStepEdge,
  codeIn,
  enrol,
  passwordStep,
  startEnrolment,
  verify,
} from "./support.ts";

describe("replaying a code", () => {
  it("refuses the same code a second time, sequentially", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);
    const code = await codeIn(secret, 1);
    const first = await passwordStep(tenant);
    const second = await passwordStep(tenant);

    const accepted = await verify(first.challenge, { code });
    const replayed = await verify(second.challenge, { code });

    expect(accepted.status).toBe(200);
    expect(replayed.status).toBe(401);
    expect(replayed.body.error?.code).toBe("TWO_FACTOR_CODE_INVALID");
    expect(replayed.setCookie ?? "").not.toContain("__Host-gallo_session");
  });

  it("refuses at login the code that confirmed the enrolment", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);
    const { challenge } = await passwordStep(tenant);

    // enrol() confirmed with the current step's code.
    const res = await verify(challenge, { code: await codeIn(secret, 0) });

    expect(res.status).toBe(401);
  });

  it("refuses a never-used code of an earlier step once a later step was accepted", async () => {
    const tenant = await newTenant();
    const { secret } = await startEnrolment(tenant);
    await awayFromStepEdge();
    const confirmed = await tenant.call("/api/v1/auth/2fa/enrol/confirm", {
      method: "POST",
      body: { code: await codeIn(secret, -1) },
    });
    expect(confirmed.status).toBe(200);
    const later = await passwordStep(tenant);
    const earlier = await passwordStep(tenant);
    expect((await verify(later.challenge, { code: await codeIn(secret, 1) })).status).toBe(200);

    const res = await verify(earlier.challenge, { code: await codeIn(secret, 0) });

    expect(res.status).toBe(401);
  });

  it("accepts exactly one of five concurrent requests with the same code", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);
    const challenges = await Promise.all(
      Array.from({ length: 5 }, async () => (await passwordStep(tenant)).challenge),
    );
    const code = await codeIn(secret, 1);

    const results = await Promise.all(challenges.map((challenge) => verify(challenge, { code })));

    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401]);
    const sessions = results.filter((r) => (r.setCookie ?? "").includes("__Host-gallo_session="));
    expect(sessions).toHaveLength(1);
    const audit = await auditOf(tenant.orgId);
    expect(audit.filter((a) => a.action === "auth.login")).toHaveLength(1);
    expect(audit.filter((a) => a.action === "auth.2fa_failed")).toHaveLength(4);
  });

  it("accepts exactly one of five concurrent uses of the same recovery code", async () => {
    const tenant = await newTenant();
    const { recoveryCodes } = await enrol(tenant);
    const challenges = await Promise.all(
      Array.from({ length: 5 }, async () => (await passwordStep(tenant)).challenge),
    );

    const results = await Promise.all(
      challenges.map((challenge) => verify(challenge, { recoveryCode: recoveryCodes[0] })),
    );

    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401]);
  });
});
