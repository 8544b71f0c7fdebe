import { describe, expect, it } from "vitest";
import { api, newTenant } from "../support/api.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";
import {
  asOwner,
  auditOf,
  awayFromStepEdge,
  codeAt,
  codeIn,
  enrol,
  otherThan,
  passwordStep,
  STEP,
  startEnrolment,
} from "./support.ts";

type ApiError = { error: { code: string } };
type Me = { user: { twoFactorEnabled: boolean } };

describe("POST /api/v1/auth/2fa/enrol", () => {
  it("answers the otpauth URI, the secret as text and a QR code rendered by our server", async () => {
    const tenant = await newTenant();

    const offer = await startEnrolment(tenant);

    expect(offer.secret).toMatch(/^[A-Z2-7]{32,}$/);
    const uri = new URL(offer.otpauthUri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toContain(tenant.email);
    expect(uri.searchParams.get("secret")).toBe(offer.secret);
    expect(uri.searchParams.get("issuer")).toBe("Gallo CRM");
    // RFC 6238 as apps assume it when the URI says nothing else: SHA-1, 6 digits, 30 s.
    expect(uri.searchParams.get("algorithm") ?? "SHA1").toBe("SHA1");
    expect(uri.searchParams.get("digits") ?? "6").toBe("6");
    expect(uri.searchParams.get("period") ?? "30").toBe("30");
    expect(offer.qrSvg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>$/s);
    expect(offer.qrSvg).toMatch(/<path [^>]*d="M[\d,hvzM-]+"/);
    // Nothing in the image points anywhere: no link, no remote image, no script.
    const body = offer.qrSvg.replace('xmlns="http://www.w3.org/2000/svg"', "");
    expect(body).not.toMatch(/https?:|\/\/|href|<image|<script|url\(/i);
  });

  it("is not active until confirmed: /me says off and login opens a session at once", async () => {
    const tenant = await newTenant();

    await startEnrolment(tenant);

    const me = await tenant.call<Me>("/api/v1/auth/me");
    expect(me.body.user.twoFactorEnabled).toBe(false);
    const { res, challenge } = await passwordStep(tenant);
    expect(res.body.twoFactorRequired).toBeUndefined();
    expect(challenge).toBeUndefined();
    expect(res.setCookie).toMatch(/^__Host-gallo_session=/);
  });

  it("replaces a pending secret when started again: the first secret's codes no longer work", async () => {
    const tenant = await newTenant();
    const first = await startEnrolment(tenant);
    const second = await startEnrolment(tenant);

    expect(second.secret).not.toBe(first.secret);
    const res = await confirm(tenant, await codeIn(first.secret, 0));

    expect(res.status).toBe(401);
    expect((await confirm(tenant, await codeIn(second.secret, 0))).status).toBe(200);
  });

  it("answers 409 TWO_FACTOR_ALREADY_ENABLED once 2FA is on, and keeps the secret", async () => {
    const tenant = await newTenant();
    const { secret } = await enrol(tenant);

    const res = await tenant.call<ApiError>("/api/v1/auth/2fa/enrol", { method: "POST" });

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("TWO_FACTOR_ALREADY_ENABLED");
    const { challenge } = await passwordStep(tenant);
    const verified = await api("/api/v1/auth/2fa/verify", {
      method: "POST",
      cookie: challenge,
      body: { code: await codeIn(secret, 1) },
    });
    expect(verified.status).toBe(200);
  });

  it("stores the secret encrypted: the row holds neither the secret nor its bytes in clear", async () => {
    const tenant = await newTenant();
    const { secret } = await startEnrolment(tenant);

    const { rows } = await asOwner()`select secret_encrypted from user_totp
                                       where user_id = ${tenant.userId}::uuid`;

    const stored = String(rows[0]?.secret_encrypted);
    expect(stored).toMatch(/^v1\.[A-Za-z0-9+/]+=*$/);
    expect(stored.toUpperCase()).not.toContain(secret);
    expect(stored).not.toContain(secret.toLowerCase());
    // 12-byte IV + ciphertext + 16-byte tag, so not the bare secret re-encoded either.
    expect(atob(stored.slice(3)).length).toBe(12 + secret.length + 16);
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({ method: "POST", path: "/api/v1/auth/2fa/enrol" });
  });
});

describe("POST /api/v1/auth/2fa/enrol/confirm", () => {
  it("turns 2FA on, answers ten distinct recovery codes once, and records auth.2fa_enabled", async () => {
    const tenant = await newTenant();
    const { secret } = await startEnrolment(tenant);

    const res = await confirm(tenant, await codeIn(secret, 0));

    expect(res.status).toBe(200);
    const codes = (res.body as { recoveryCodes: string[] }).recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const me = await tenant.call<Me>("/api/v1/auth/me");
    expect(me.body.user.twoFactorEnabled).toBe(true);
    const audit = await auditOf(tenant.orgId);
    expect(audit.filter((a) => a.action === "auth.2fa_enabled")).toEqual([
      expect.objectContaining({ actor_user_id: tenant.userId }),
    ]);
  });

  it("stores the recovery codes as SHA-256 hashes only", async () => {
    const tenant = await newTenant();
    const { recoveryCodes } = await enrol(tenant);

    const { rows } = await asOwner()`select code_hash, used_at from recovery_codes
                                       where user_id = ${tenant.userId}::uuid`;

    expect(rows).toHaveLength(10);
    for (const row of rows) {
      expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.used_at).toBeNull();
    }
    const stored = rows.map((r) => String(r.code_hash)).join(" ");
    for (const code of recoveryCodes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replaceAll("-", ""));
    }
  });

  it("refuses a wrong code with 401 TWO_FACTOR_CODE_INVALID: 2FA stays off, the failure is recorded", async () => {
    const tenant = await newTenant();
    const { secret } = await startEnrolment(tenant);

    const res = await confirm(tenant, otherThan(await codeIn(secret, 0)));

    expect(res.status).toBe(401);
    expect((res.body as ApiError).error.code).toBe("TWO_FACTOR_CODE_INVALID");
    const me = await tenant.call<Me>("/api/v1/auth/me");
    expect(me.body.user.twoFactorEnabled).toBe(false);
    expect((await passwordStep(tenant)).challenge).toBeUndefined();
    const audit = await auditOf(tenant.orgId);
    expect(audit.filter((a) => a.action === "auth.2fa_failed")).toEqual([
      expect.objectContaining({ summary: { stage: "enrol", reason: "code" } }),
    ]);
  });

  // The window is one step either side of the server's clock, and no wider. Codes are made by the
  // library at a chosen epoch relative to now, away from a step edge so "now" is one step.
  it.each([
    { steps: -1, status: 200 },
    { steps: 0, status: 200 },
    { steps: 1, status: 200 },
    { steps: -2, status: 401 },
    { steps: 2, status: 401 },
    { steps: -10, status: 401 },
  ])("answers $status to a code $steps step(s) from now", async ({ steps, status }) => {
    const tenant = await newTenant();
    const { secret } = await startEnrolment(tenant);
    await awayFromStepEdge();

    const res = await confirm(
      tenant,
      await codeAt(secret, Math.floor(Date.now() / 1000) + steps * STEP),
    );

    expect(res.status).toBe(status);
  });

  it("answers 409 TWO_FACTOR_NOT_ENABLED when no enrolment was started", async () => {
    const tenant = await newTenant();

    const res = await confirm(tenant, "123456");

    expect(res.status).toBe(409);
    expect((res.body as ApiError).error.code).toBe("TWO_FACTOR_NOT_ENABLED");
  });

  it.each([
    { problem: "the code has five digits", body: { code: "12345" } },
    { problem: "the code has letters", body: { code: "12a456" } },
    { problem: "the code is missing", body: {} },
    { problem: "an unknown field is sent", body: { code: "123456", enabled: true } },
  ])("answers 400 VALIDATION_FAILED when $problem", async ({ body }) => {
    const tenant = await newTenant();
    await startEnrolment(tenant);

    const res = await tenant.call<ApiError>("/api/v1/auth/2fa/enrol/confirm", {
      method: "POST",
      body,
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({
      method: "POST",
      path: "/api/v1/auth/2fa/enrol/confirm",
      body: { code: "123456" },
    });
  });
});

function confirm(tenant: Awaited<ReturnType<typeof newTenant>>, code: string) {
  return tenant.call("/api/v1/auth/2fa/enrol/confirm", { method: "POST", body: { code } });
}
