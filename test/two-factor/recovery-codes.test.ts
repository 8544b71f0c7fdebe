import { describe, expect, it } from "vitest";
import { newTenant } from "../support/api.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";
import { auditOf, codeIn, enrol, otherThan, passwordStep, verify } from "./support.ts";

type ApiError = { error: { code: string } };
type Codes = { recoveryCodes: string[] };

describe("logging in with a recovery code", () => {
  it("accepts each code once, records its use, and refuses it the second time", async () => {
    const tenant = await newTenant();
    const { recoveryCodes } = await enrol(tenant);
    const [first = "", second = ""] = recoveryCodes;

    const used = await verify((await passwordStep(tenant)).challenge, { recoveryCode: first });
    const reused = await verify((await passwordStep(tenant)).challenge, { recoveryCode: first });
    const next = await verify((await passwordStep(tenant)).challenge, { recoveryCode: second });

    expect(used.status).toBe(200);
    expect(used.setCookie).toContain("__Host-gallo_session=");
    expect(reused.status).toBe(401);
    expect(reused.body.error?.code).toBe("TWO_FACTOR_CODE_INVALID");
    expect(next.status).toBe(200);
    const audit = await auditOf(tenant.orgId);
    expect(audit.filter((a) => a.action === "auth.2fa_recovery_code_used")).toHaveLength(2);
    expect(audit.filter((a) => a.action === "auth.login")).toEqual([
      expect.objectContaining({ summary: { twoFactor: true, method: "recovery_code" } }),
      expect.objectContaining({ summary: { twoFactor: true, method: "recovery_code" } }),
    ]);
    expect(audit.filter((a) => a.action === "auth.2fa_failed")).toEqual([
      expect.objectContaining({
        summary: expect.objectContaining({ stage: "login", reason: "recovery_code" }),
      }),
    ]);
  });

  it.each([
    { variant: "in capitals", change: (code: string) => code.toUpperCase() },
    { variant: "without dashes", change: (code: string) => code.replaceAll("-", "") },
    { variant: "with spaces around", change: (code: string) => ` ${code} ` },
  ])("accepts a code typed $variant", async ({ change }) => {
    const tenant = await newTenant();
    const { recoveryCodes } = await enrol(tenant);

    const res = await verify((await passwordStep(tenant)).challenge, {
      recoveryCode: change(recoveryCodes[0] ?? ""),
    });

    expect(res.status).toBe(200);
  });

  it("refuses a recovery code of another user", async () => {
    const alice = await newTenant();
    await enrol(alice);
    const { recoveryCodes: brunos } = await enrol(await newTenant());

    const res = await verify((await passwordStep(alice)).challenge, { recoveryCode: brunos[0] });

    expect(res.status).toBe(401);
  });
});

describe("POST /api/v1/auth/2fa/recovery-codes", () => {
  it("with the password: answers ten new codes, the old ones stop working, the new ones work", async () => {
    const tenant = await newTenant();
    const { recoveryCodes: old } = await enrol(tenant);

    const res = await tenant.call<Codes>("/api/v1/auth/2fa/recovery-codes", {
      method: "POST",
      body: { password: tenant.password },
    });

    expect(res.status).toBe(200);
    const fresh = res.body.recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => old.includes(code))).toEqual([]);
    const withOld = await verify((await passwordStep(tenant)).challenge, { recoveryCode: old[1] });
    expect(withOld.status).toBe(401);
    const withNew = await verify((await passwordStep(tenant)).challenge, {
      recoveryCode: fresh[1],
    });
    expect(withNew.status).toBe(200);
    const audit = await auditOf(tenant.orgId);
    expect(audit.filter((a) => a.action === "auth.2fa_recovery_codes_regenerated")).toEqual([
      expect.objectContaining({ summary: { provedWith: "password" } }),
    ]);
  });

  it("with a current code: answers new codes, and the code is used up", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);
    const code = await codeIn(secret, 1);

    const res = await tenant.call<Codes>("/api/v1/auth/2fa/recovery-codes", {
      method: "POST",
      body: { code },
    });

    expect(res.status).toBe(200);
    expect(res.body.recoveryCodes).toHaveLength(10);
    expect((await verify((await passwordStep(tenant)).challenge, { code })).status).toBe(401);
  });

  it.each([
    { proof: "a wrong password", body: (t: Proof) => ({ password: `${t.password}x` }) },
    { proof: "a wrong code", body: (t: Proof) => ({ code: otherThan(t.code) }) },
  ])("refuses $proof with 401, keeps the old codes and records the failure", async ({ body }) => {
    const tenant = await newTenant();
    const { secret, recoveryCodes } = await enrol(tenant);

    const res = await tenant.call<ApiError>("/api/v1/auth/2fa/recovery-codes", {
      method: "POST",
      body: body({ password: tenant.password, code: await codeIn(secret, 1) }),
    });

    expect(res.status).toBe(401);
    const still = await verify((await passwordStep(tenant)).challenge, {
      recoveryCode: recoveryCodes[0],
    });
    expect(still.status).toBe(200);
    const audit = await auditOf(tenant.orgId);
    expect(audit.filter((a) => a.action === "auth.2fa_failed")).toEqual([
      expect.objectContaining({ summary: expect.objectContaining({ stage: "recovery_codes" }) }),
    ]);
  });

  it.each([
    { problem: "both a password and a code", body: { password: "x", code: "123456" } },
    { problem: "neither", body: {} },
  ])("answers 400 VALIDATION_FAILED to $problem", async ({ body }) => {
    const tenant = await newTenant();
    await enrol(tenant);

    const res = await tenant.call<ApiError>("/api/v1/auth/2fa/recovery-codes", {
      method: "POST",
      body,
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("answers 409 TWO_FACTOR_NOT_ENABLED without 2FA", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/auth/2fa/recovery-codes", {
      method: "POST",
      body: { password: tenant.password },
    });

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("TWO_FACTOR_NOT_ENABLED");
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({
      method: "POST",
      path: "/api/v1/auth/2fa/recovery-codes",
      body: { password: "senha-qualquer" },
    });
  });
});

type Proof = { password: string; code: string };
