/**
 * The audit writer's guard (src/access/audit.ts `withoutSecrets`): a summary never carries a key
 * named like a password, token or secret, at any depth, whatever a route passes; the keys routes
 * write today pass untouched.
 */
import { describe, expect, it } from "vitest";
import { withoutSecrets } from "../../src/access/audit.ts";

describe("the audit summary guard", () => {
  it.each([
    "password",
    "newPassword",
    "currentPassword",
    "passphrase",
    "token",
    "csrfToken",
    "refresh_token",
    "secret",
    "totpSecret",
    "clientSecret",
    "cookie",
    "Authorization",
    "apiKey",
    "api_key",
    "privateKey",
    "key",
    "passwordHash",
    "tokenHash",
    "credentials",
    "recoveryCodes",
    "otp",
    "pepper",
    "signature",
    "dsn",
    "connectionString",
  ])("drops %j, at the top and nested in objects and arrays", (key) => {
    const summary = { email: "ana@exemplo.com.br", [key]: "s3cr3t", nested: { [key]: "s3cr3t" } };

    const guarded = withoutSecrets({ ...summary, list: [{ [key]: "s3cr3t", role: "admin" }] });

    expect(guarded.summary).toEqual({
      email: "ana@exemplo.com.br",
      nested: {},
      list: [{ role: "admin" }],
    });
    expect(guarded.dropped).toEqual([key, `nested.${key}`, `list[0].${key}`]);
    expect(JSON.stringify(guarded.summary)).not.toContain("s3cr3t");
  });

  it("keeps every key the routes write today", () => {
    const summary = {
      email: "ana@exemplo.com.br",
      role: "admin",
      from: "member",
      to: "admin",
      previousOwnerRole: "admin",
      includeCurrent: true,
      requireTwoFactor: true,
      newAccount: false,
      twoFactor: true,
      method: "totp",
      stage: "login",
      reason: "code",
      challengeId: "ch_1",
      with: "recovery_code",
      provedWith: "code",
      format: "csv",
      filters: { action: "auth.login", actorUserId: "u", targetType: "user", targetId: "t" },
      deleted: 3,
      throughSeq: 3,
      olderThan: "400 days",
      at: new Date("2026-03-01T00:00:00Z"),
    };

    expect(withoutSecrets(summary)).toEqual({ summary, dropped: [] });
  });
});
