import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env.ts";
import { signChallenge } from "../../src/two-factor/challenge.ts";
import { api, newTenant } from "../support/api.ts";
import { auditOf, codeIn, cookieNamed, enrol, otherThan, passwordStep, verify } from "./support.ts";

type ApiError = { error: { code: string } };
const bindings = env as unknown as Bindings;
const CHALLENGE = "__Host-gallo_2fa";

describe("POST /api/v1/auth/login with 2FA on", () => {
  it("opens no session: it answers twoFactorRequired and a 5-minute challenge cookie", async () => {
    const tenant = await newTenant();
    await enrol(tenant);

    const { res, challenge } = await passwordStep(tenant);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ twoFactorRequired: true });
    expect(res.setCookie).not.toContain("__Host-gallo_session");
    expect(challenge).toMatch(/^__Host-gallo_2fa=[\w-]+\.[\w-]+\.[\w-]+$/);
    const attributes = (res.setCookie ?? "").split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(
      expect.arrayContaining(["max-age=300", "path=/", "secure", "httponly", "samesite=lax"]),
    );
    expect(attributes.some((a) => a.startsWith("domain"))).toBe(false);
  });

  it("records no login and no failure for the password step alone", async () => {
    const tenant = await newTenant();
    await enrol(tenant);

    await passwordStep(tenant);

    const actions = (await auditOf(tenant.orgId)).map((a) => a.action);
    expect(actions.filter((a) => a === "auth.login" || a === "auth.2fa_failed")).toEqual([]);
  });

  it.each(["/api/v1/people", "/api/v1/auth/me"])(
    "gives the challenge cookie no access to %s, also when sent as a session cookie",
    async (path) => {
      const tenant = await newTenant();
      await enrol(tenant);
      const { challenge = "" } = await passwordStep(tenant);
      const asSession = challenge.replace(CHALLENGE, "__Host-gallo_session");

      for (const cookie of [challenge, asSession]) {
        const res = await api<ApiError>(path, { cookie });
        expect(res.status, cookie).toBe(401);
        expect(res.body.error.code).toBe("UNAUTHENTICATED");
      }
    },
  );
});

describe("POST /api/v1/auth/2fa/verify", () => {
  it("opens the session with a good code, clears the challenge and records auth.login", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);
    const { challenge } = await passwordStep(tenant);

    const res = await verify(challenge, { code: await codeIn(secret, 1) });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user: { id: tenant.userId, email: tenant.email },
      organisation: { id: tenant.orgId },
      csrfToken: expect.any(String),
    });
    expect(cookieNamed(res.setCookie, CHALLENGE)).toBe(`${CHALLENGE}=`);
    expect(res.setCookie).toMatch(/__Host-gallo_2fa=;[^,]*Max-Age=0/i);
    const session = cookieNamed(res.setCookie, "__Host-gallo_session") ?? "";
    const me = await api<{ user: { id: string } }>("/api/v1/auth/me", { cookie: session });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(tenant.userId);
    const contacts = await api("/api/v1/people", { cookie: session });
    expect(contacts.status).toBe(200);
    const logins = (await auditOf(tenant.orgId)).filter((a) => a.action === "auth.login");
    expect(logins).toEqual([
      expect.objectContaining({
        actor_user_id: tenant.userId,
        summary: { twoFactor: true, method: "code" },
      }),
    ]);
  });

  it("refuses a wrong code with 401, opens no session and records auth.2fa_failed", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);
    const { challenge } = await passwordStep(tenant);

    const res = await verify(challenge, { code: otherThan(await codeIn(secret, 1)) });

    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe("TWO_FACTOR_CODE_INVALID");
    expect(res.setCookie ?? "").not.toContain("__Host-gallo_session");
    const failures = (await auditOf(tenant.orgId)).filter((a) => a.action === "auth.2fa_failed");
    expect(failures).toEqual([
      expect.objectContaining({
        summary: expect.objectContaining({ stage: "login", reason: "code" }),
      }),
    ]);
    // The challenge still stands: the user may correct a typo.
    expect((await verify(challenge, { code: await codeIn(secret, 1) })).status).toBe(200);
  });

  it("refuses the challenge of one user with a code of another user", async () => {
    const [alice, bruno] = [await newTenant(), await newTenant()];
    await enrol(alice);
    const { secret: brunosSecret } = await enrol(bruno);
    const { challenge: alicesChallenge } = await passwordStep(alice);

    const res = await verify(alicesChallenge, { code: await codeIn(brunosSecret, 1) });

    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe("TWO_FACTOR_CODE_INVALID");
    expect(res.setCookie ?? "").not.toContain("__Host-gallo_session");
  });

  it("refuses an expired challenge with 401, even with a good code", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const expired = await signChallenge(bindings, tenant, sixMinutesAgo);

    const res = await verify(`${CHALLENGE}=${expired}`, { code: await codeIn(secret, 1) });

    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe("UNAUTHENTICATED");
    expect(res.setCookie ?? "").not.toContain("__Host-gallo_session");
  });

  // Every challenge below names the tenant and is sent with a good code: only the cookie is wrong.
  it.each([
    { problem: "no challenge cookie", cookie: async () => undefined },
    { problem: "a value that is no JWT", cookie: async () => `${CHALLENGE}=not-a-jwt` },
    {
      problem: "a challenge with another purpose",
      cookie: async (t: Ids) =>
        `${CHALLENGE}=${await signChallenge(bindings, t, undefined, { purpose: "reset" })}`,
    },
    {
      problem: "a challenge for another audience",
      cookie: async (t: Ids) =>
        `${CHALLENGE}=${await signChallenge(bindings, t, undefined, { aud: "gallo-crm-web" })}`,
    },
    {
      problem: "the user's own session token in the challenge cookie",
      cookie: async (t: Ids & { cookie: string }) =>
        t.cookie.replace("__Host-gallo_session", CHALLENGE),
    },
    {
      problem: "a challenge without the __Host- prefix",
      cookie: async (t: Ids) => `gallo_2fa=${await signChallenge(bindings, t)}`,
    },
    {
      problem: "a challenge whose payload was edited to name another user",
      cookie: async (t: Ids) => {
        const [header, payload = "", signature] = (await signChallenge(bindings, t)).split(".");
        const claims = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
        const edited = btoa(JSON.stringify({ ...claims, sub: crypto.randomUUID() }));
        return `${CHALLENGE}=${header}.${edited.replace(/=+$/, "")}.${signature}`;
      },
    },
  ])("answers 401 UNAUTHENTICATED to $problem", async ({ cookie }) => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);

    const res = await verify(await cookie(tenant), { code: await codeIn(secret, 1) });

    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe("UNAUTHENTICATED");
    expect(res.setCookie ?? "").not.toContain("__Host-gallo_session");
  });

  it("refuses a challenge once 2FA was turned off (the password step no longer suffices alone)", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);
    const { challenge } = await passwordStep(tenant);
    const off = await tenant.call("/api/v1/auth/2fa/disable", {
      method: "POST",
      body: { password: tenant.password, code: await codeIn(secret, 1) },
    });
    expect(off.status).toBe(204);

    const res = await verify(challenge, { code: await codeIn(secret, 1) });

    expect(res.status).toBe(401);
  });

  it("refuses a request from another site", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);
    const { challenge } = await passwordStep(tenant);

    const res = await api<ApiError>("/api/v1/auth/2fa/verify", {
      method: "POST",
      cookie: challenge,
      headers: { origin: "https://evil.example" },
      body: { code: await codeIn(secret, 1) },
    });

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("CROSS_SITE_REQUEST");
  });

  it.each([
    { problem: "both a code and a recovery code", body: { code: "123456", recoveryCode: "a-b" } },
    { problem: "neither", body: {} },
    { problem: "an unknown field", body: { code: "123456", userId: crypto.randomUUID() } },
  ])("answers 400 VALIDATION_FAILED to $problem", async ({ body }) => {
    const tenant = await newTenant();
    await enrol(tenant);
    const { challenge } = await passwordStep(tenant);

    const res = await verify(challenge, body);

    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("VALIDATION_FAILED");
  });

  it("hands out the new session's CSRF token, so the session can make changes", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);
    const { challenge } = await passwordStep(tenant);

    const res = await verify(challenge, { code: await codeIn(secret, 1) });

    const cookie = cookieNamed(res.setCookie, "__Host-gallo_session");
    const logout = await api("/api/v1/auth/logout", {
      method: "POST",
      cookie,
      headers: { "x-csrf-token": res.body.csrfToken },
    });
    expect(logout.status).toBe(204);
  });
});

type Ids = { userId: string; orgId: string };
