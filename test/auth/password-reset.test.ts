import { describe, expect, inject, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto.ts";
import { api, emailsTo, linkToken, newTenant, type Tenant } from "../support/api.ts";
import { connect } from "../support/db.ts";
import { joinWithPassword } from "../support/team.ts";

type ApiError = { error: { code: string; details?: { path: string }[] } };

// The owner role bypasses row-level security: for reading what a request wrote and for ageing a
// link, which no route offers.
const owner = () => connect(inject("ownerUrl"));

describe("POST /api/v1/auth/password-reset", () => {
  it("answers 202 reset_sent alike for an account and for an unknown email", async () => {
    const tenant = await newTenant();
    const unknown = newEmail();

    const known = await requestReset(tenant.email);
    const missing = await requestReset(unknown);

    expect(known.status).toBe(202);
    expect(missing.status).toBe(202);
    expect(known.body).toEqual({ status: "reset_sent" });
    expect(missing.body).toEqual(known.body);
    expect(known.setCookie).toBeNull();
    expect(missing.setCookie).toBeNull();
    // The account gets a link; the unknown address is told there is no account, and gets none.
    await expect(linkToken(tenant.email, "/reset-password")).resolves.toMatch(/^[\w-]{43}$/);
    const [toUnknown] = await emailsTo(unknown);
    expect(toUnknown?.text).not.toMatch(/reset-password/);
    expect(toUnknown?.text).toMatch(/no account/);
  });

  it("finds the account whatever the case and spaces of the email", async () => {
    const tenant = await newTenant();

    const res = await requestReset(`  ${tenant.email.toUpperCase()} `);

    expect(res.status).toBe(202);
    await expect(linkToken(tenant.email, "/reset-password")).resolves.toBeTruthy();
  });

  it("stores only the SHA-256 of the link's token, valid for at most an hour", async () => {
    const tenant = await newTenant();

    await requestReset(tenant.email);

    const token = await linkToken(tenant.email, "/reset-password");
    const { rows } = await owner().query(
      `select token_hash, extract(epoch from expires_at - created_at) as lifetime
         from password_resets where user_id = $1`,
      [tenant.userId],
    );
    expect(rows).toEqual([{ token_hash: await sha256Hex(token), lifetime: expect.anything() }]);
    expect(Number(rows[0]?.lifetime)).toBeLessThanOrEqual(3600);
    expect(Number(rows[0]?.lifetime)).toBeGreaterThan(3500);
  });

  it("writes the email in Brazilian Portuguese when asked to", async () => {
    const tenant = await newTenant();

    await requestReset(tenant.email, { "accept-language": "pt-BR,pt;q=0.9" });

    const [email] = await emailsTo(tenant.email);
    expect(email?.subject).toBe("Redefina sua senha do Gallo CRM");
    expect(email?.text).toMatch(/válido por 1 hora/);
  });

  it.each([
    { problem: "an unknown field rides along", body: { email: newEmail(), userId: uuid() } },
    { problem: "the email is invalid", body: { email: "nobody" } },
  ])("answers 400 VALIDATION_FAILED when $problem", async ({ body }) => {
    const res = await api<ApiError>("/api/v1/auth/password-reset", { method: "POST", body });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });
});

describe("POST /api/v1/auth/password-reset/confirm", () => {
  it("sets the new password and answers 204 without logging anyone in", async () => {
    const tenant = await newTenant();
    const token = await resetLink(tenant);

    const res = await confirm(token, "uma-senha-nova-e-longa");

    expect(res.status).toBe(204);
    expect(res.setCookie ?? "").not.toMatch(/gallo_session=[^;]/);
    expect((await login(tenant.email, tenant.password)).status).toBe(401);
    expect((await login(tenant.email, "uma-senha-nova-e-longa")).status).toBe(200);
  });

  it("ends every session of the user in every organisation, and audits it in each", async () => {
    const tenant = await newTenant("Home");
    const other = await newTenant("Elsewhere");
    const elsewhere = await joinWithPassword(other, tenant);
    const token = await resetLink(tenant);

    expect((await confirm(token, "uma-senha-nova-e-longa")).status).toBe(204);

    for (const cookie of [tenant.cookie, elsewhere]) {
      expect((await api("/api/v1/auth/me", { cookie })).status).toBe(401);
    }
    const { rows } = await owner().query(
      `select org_id from audit_log where action = 'auth.password_reset' and actor_user_id = $1
        order by org_id`,
      [tenant.userId],
    );
    expect(rows.map((r) => r.org_id)).toEqual([tenant.orgId, other.orgId].sort());
  });

  it.each([
    {
      problem: "was already used",
      spoil: async (_: Tenant, token: string) => {
        expect((await confirm(token, "a-primeira-senha-nova")).status).toBe(204);
      },
    },
    {
      problem: "has expired",
      spoil: async (_: Tenant, token: string) => {
        await owner().query(
          "update password_resets set expires_at = now() - interval '1 second' where token_hash = $1",
          [await sha256Hex(token)],
        );
      },
    },
    {
      problem: "is older than a link that was used",
      spoil: async (tenant: Tenant) => {
        const newer = await resetLink(tenant);
        expect((await confirm(newer, "a-senha-do-link-novo")).status).toBe(204);
      },
    },
    {
      problem: "is older than a password change made while logged in",
      spoil: async (tenant: Tenant) => {
        const changed = await tenant.call("/api/v1/auth/password", {
          method: "POST",
          body: { currentPassword: tenant.password, newPassword: "trocada-pelo-dono" },
        });
        expect(changed.status).toBe(204);
      },
    },
  ])("answers 410 LINK_INVALID when the link $problem", async ({ spoil }) => {
    const tenant = await newTenant();
    const token = await resetLink(tenant);
    await spoil(tenant, token);

    const res = await confirm(token, "a-senha-do-atacante");

    expect(res.status).toBe(410);
    expect((res.body as ApiError).error.code).toBe("LINK_INVALID");
    expect((await login(tenant.email, "a-senha-do-atacante")).status).toBe(401);
  });

  it("answers 410 LINK_INVALID to a token that was never issued", async () => {
    const res = await confirm("a".repeat(43), "uma-senha-nova-e-longa");

    expect(res.status).toBe(410);
    expect((res.body as ApiError).error.code).toBe("LINK_INVALID");
  });

  it("lets only one of two simultaneous uses of a link through", async () => {
    const tenant = await newTenant();
    const token = await resetLink(tenant);

    const results = await Promise.all([
      confirm(token, "a-primeira-de-duas"),
      confirm(token, "a-segunda-de-duas"),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual([204, 410]);
    const winner = results[0]?.status === 204 ? "a-primeira-de-duas" : "a-segunda-de-duas";
    expect((await login(tenant.email, winner)).status).toBe(200);
  });

  it.each([
    {
      problem: "the new password is too short",
      body: { newPassword: "curta" },
      path: "newPassword",
    },
    {
      problem: "the new password is common",
      body: { newPassword: "password123" },
      path: "newPassword",
    },
    {
      problem: "an unknown field rides along",
      body: { newPassword: "uma-senha-nova-e-longa", userId: uuid() },
      path: "",
    },
  ])("answers 400 VALIDATION_FAILED and keeps the link when $problem", async ({ body, path }) => {
    const tenant = await newTenant();
    const token = await resetLink(tenant);

    const res = await api<ApiError>("/api/v1/auth/password-reset/confirm", {
      method: "POST",
      body: { token, ...body },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
    expect((await confirm(token, "uma-senha-nova-e-longa")).status).toBe(204);
  });

  it("normalises the new password, so it can be typed in another Unicode form", async () => {
    const tenant = await newTenant();
    const token = await resetLink(tenant);

    await confirm(token, "Ação-segura-depois".normalize("NFD"));

    expect((await login(tenant.email, "Ação-segura-depois".normalize("NFC"))).status).toBe(200);
  });
});

function newEmail(): string {
  return `reset-${crypto.randomUUID()}@example.com`;
}

function uuid(): string {
  return crypto.randomUUID();
}

function requestReset(email: string, headers: Record<string, string> = {}) {
  return api("/api/v1/auth/password-reset", { method: "POST", body: { email }, headers });
}

async function resetLink(tenant: Tenant): Promise<string> {
  expect((await requestReset(tenant.email)).status).toBe(202);
  return linkToken(tenant.email, "/reset-password");
}

function confirm(token: string, newPassword: string) {
  return api("/api/v1/auth/password-reset/confirm", {
    method: "POST",
    body: { token, newPassword },
  });
}

function login(email: string, password: string) {
  return api("/api/v1/auth/login", { method: "POST", body: { email, password } });
}
