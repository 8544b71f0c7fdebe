import { describe, expect, it } from "vitest";
import { api, cookieFrom, newTenant, type Tenant } from "../support/api.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";
import { auditOf, codeIn, cookieNamed, enrol, otherThan, passwordStep, verify } from "./support.ts";

type ApiError = { error: { code: string } };
type Me = { user: { twoFactorEnabled: boolean } };

describe("POST /api/v1/auth/2fa/disable", () => {
  it("with the password and a current code: turns 2FA off and records auth.2fa_disabled", async () => {
    const tenant = await newTenant();
    const { secret, recoveryCodes } = await enrol(tenant);

    const res = await disable(tenant, { password: tenant.password, code: await codeIn(secret, 1) });

    expect(res.status).toBe(204);
    const me = await tenant.call<Me>("/api/v1/auth/me");
    expect(me.body.user.twoFactorEnabled).toBe(false);
    const { res: login, challenge } = await passwordStep(tenant);
    expect(challenge).toBeUndefined();
    expect(login.setCookie).toMatch(/^__Host-gallo_session=/);
    // The recovery codes went with the secret: enrolling again starts from nothing.
    const again = await enrol(tenant);
    expect(again.recoveryCodes.filter((c) => recoveryCodes.includes(c))).toEqual([]);
    const audit = await auditOf(tenant.orgId);
    expect(audit.filter((a) => a.action === "auth.2fa_disabled")).toEqual([
      expect.objectContaining({ actor_user_id: tenant.userId }),
    ]);
  });

  it("with the password and an unused recovery code (a lost phone): turns 2FA off", async () => {
    const tenant = await newTenant();
    const { recoveryCodes } = await enrol(tenant);
    const [code = ""] = recoveryCodes;

    const res = await disable(tenant, { password: tenant.password, recoveryCode: code });

    expect(res.status).toBe(204);
    const me = await tenant.call<Me>("/api/v1/auth/me");
    expect(me.body.user.twoFactorEnabled).toBe(false);
    const audit = await auditOf(tenant.orgId);
    expect(audit.filter((a) => a.action === "auth.2fa_disabled")).toEqual([
      expect.objectContaining({ summary: { with: "recovery_code" } }),
    ]);
  });

  it("refuses a recovery code that was already used, and 2FA stays on", async () => {
    const tenant = await newTenant();
    const { recoveryCodes } = await enrol(tenant);
    const [used = ""] = recoveryCodes;
    const { challenge } = await passwordStep(tenant);
    expect((await verify(challenge, { recoveryCode: used })).status).toBe(200);

    const res = await disable(tenant, { password: tenant.password, recoveryCode: used });

    expect(res.status).toBe(401);
    const me = await tenant.call<Me>("/api/v1/auth/me");
    expect(me.body.user.twoFactorEnabled).toBe(true);
  });

  it("refuses a body with both a code and a recovery code", async () => {
    const tenant = await newTenant();
    const { secret, recoveryCodes } = await enrol(tenant);

    const res = await disable(tenant, {
      password: tenant.password,
      code: await codeIn(secret, 1),
      recoveryCode: recoveryCodes[0] ?? "",
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });

  it.each([
    {
      wrong: "the password",
      body: (p: Proof) => ({ password: `${p.password}x`, code: p.code }),
      error: "INVALID_CREDENTIALS",
      reason: "password",
    },
    {
      wrong: "the code",
      body: (p: Proof) => ({ password: p.password, code: otherThan(p.code) }),
      error: "TWO_FACTOR_CODE_INVALID",
      reason: "code",
    },
    {
      wrong: "both",
      body: (p: Proof) => ({ password: `${p.password}x`, code: otherThan(p.code) }),
      error: "INVALID_CREDENTIALS",
      reason: "password",
    },
  ])("refuses with 401 when $wrong is wrong, and 2FA stays on", async ({ body, error, reason }) => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);

    const res = await disable(
      tenant,
      body({ password: tenant.password, code: await codeIn(secret, 1) }),
    );

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe(error);
    const me = await tenant.call<Me>("/api/v1/auth/me");
    expect(me.body.user.twoFactorEnabled).toBe(true);
    expect((await passwordStep(tenant)).res.body).toEqual({ twoFactorRequired: true });
    const audit = await auditOf(tenant.orgId);
    expect(audit.filter((a) => a.action === "auth.2fa_failed")).toEqual([
      expect.objectContaining({ summary: { stage: "disable", reason } }),
    ]);
  });

  it.each([
    { missing: "the code", body: (p: Proof) => ({ password: p.password }) },
    { missing: "the password", body: (p: Proof) => ({ code: p.code }) },
  ])("answers 400 without $missing, and 2FA stays on", async ({ body }) => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);

    const res = await disable(
      tenant,
      body({ password: tenant.password, code: await codeIn(secret, 1) }),
    );

    expect(res.status).toBe(400);
    expect((await tenant.call<Me>("/api/v1/auth/me")).body.user.twoFactorEnabled).toBe(true);
  });

  it("refuses a code already used (here: the one that confirmed the enrolment)", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);

    const res = await disable(tenant, { password: tenant.password, code: await codeIn(secret, 0) });

    expect(res.status).toBe(401);
    expect((await tenant.call<Me>("/api/v1/auth/me")).body.user.twoFactorEnabled).toBe(true);
  });

  it("answers 409 TWO_FACTOR_NOT_ENABLED without 2FA", async () => {
    const tenant = await newTenant();

    const res = await disable(tenant, { password: tenant.password, code: "123456" });

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("TWO_FACTOR_NOT_ENABLED");
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({
      method: "POST",
      path: "/api/v1/auth/2fa/disable",
      body: { password: "senha-qualquer", code: "123456" },
    });
  });
});

describe("a 2FA change ends the user's other sessions", () => {
  it("turning 2FA on revokes the other sessions and keeps the one that did it", async () => {
    const tenant = await newTenant();
    const other = await secondLogin(tenant);

    await enrol(tenant);

    expect((await api("/api/v1/auth/me", { cookie: other })).status).toBe(401);
    expect((await tenant.call("/api/v1/auth/me")).status).toBe(200);
  });

  it("turning 2FA off revokes the other sessions and keeps the one that did it", async () => {
    const tenant = await newTenant();
    const { secret, recoveryCodes } = await enrol(tenant);
    // A second session opened after enrolment (with a recovery code, so no time step is used).
    const { challenge } = await passwordStep(tenant);
    const second = await verify(challenge, { recoveryCode: recoveryCodes[0] });
    const other = cookieNamed(second.setCookie, "__Host-gallo_session");
    expect((await api("/api/v1/auth/me", { cookie: other })).status).toBe(200);

    const res = await disable(tenant, { password: tenant.password, code: await codeIn(secret, 1) });

    expect(res.status).toBe(204);
    expect((await api("/api/v1/auth/me", { cookie: other })).status).toBe(401);
    expect((await tenant.call("/api/v1/auth/me")).status).toBe(200);
  });

  it("a refused attempt revokes nothing", async () => {
    const tenant = await newTenant();
    const other = await secondLogin(tenant);
    await tenant.call("/api/v1/auth/2fa/enrol", { method: "POST" });

    await tenant.call("/api/v1/auth/2fa/enrol/confirm", {
      method: "POST",
      body: { code: "000000" },
    });

    expect((await api("/api/v1/auth/me", { cookie: other })).status).toBe(200);
  });
});

type Proof = { password: string; code: string };

function disable(tenant: Tenant, body: Record<string, string>) {
  return tenant.call<ApiError>("/api/v1/auth/2fa/disable", { method: "POST", body });
}

async function secondLogin(tenant: Tenant): Promise<string> {
  const res = await api("/api/v1/auth/login", {
    method: "POST",
    body: { email: tenant.email, password: tenant.password },
  });
  return cookieFrom(res.setCookie);
}
