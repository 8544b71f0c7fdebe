/**
 * Regression tests for holes found in review: a dead session cookie blocking login, email-link
 * rows rewritable through their token claim, cacheable API answers, and an unlimited
 * current-password check.
 */
import { describe, expect, inject, it } from "vitest";
import { api, newTenant } from "../support/api.ts";
import { connect, failureOf } from "../support/db.ts";

describe("a browser holding a dead session's cookie", () => {
  it("can log in again without that session's CSRF token", async () => {
    const tenant = await newTenant();
    const logout = await tenant.call("/api/v1/auth/logout", { method: "POST" });
    expect(logout.status).toBe(204);

    const res = await api("/api/v1/auth/login", {
      method: "POST",
      cookie: tenant.cookie,
      body: { email: tenant.email, password: tenant.password },
    });

    expect(res.status).toBe(200);
    expect(res.setCookie).toMatch(/^__Host-gallo_session=ey/);
  });

  it("is told to forget it: a 401 answer clears the cookie", async () => {
    const tenant = await newTenant();
    await tenant.call("/api/v1/auth/sessions/revoke-all", {
      method: "POST",
      body: { includeCurrent: true },
    });

    const res = await api("/api/v1/auth/me", { cookie: tenant.cookie });

    expect(res.status).toBe(401);
    expect(res.setCookie).toMatch(/^__Host-gallo_session=;.*Max-Age=0/);
  });

  it("still cannot log in from another site", async () => {
    const tenant = await newTenant();

    const res = await api<{ error: { code: string } }>("/api/v1/auth/login", {
      method: "POST",
      cookie: tenant.cookie,
      headers: { origin: "https://evil.example" },
      body: { email: tenant.email, password: tenant.password },
    });

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("CROSS_SITE_REQUEST");
  });
});

describe("email-link rows reached by their token claim", () => {
  const asRuntime = () => connect(inject("databaseUrl"));

  async function pendingInvitation() {
    const owner = await newTenant();
    const email = `invitee-${crypto.randomUUID()}@example.com`;
    const res = await owner.call<{ data: { id: string } }>("/api/v1/invitations", {
      method: "POST",
      body: { email, role: "viewer" },
    });
    expect(res.status).toBe(201);
    const owned = await connect(inject("ownerUrl")).query(
      "select token_hash from invitations where id = $1",
      [res.body.data.id],
    );
    return { owner, id: res.body.data.id, tokenHash: owned.rows[0]?.token_hash as string };
  }

  it.each([
    ["role", "set role = 'owner'"],
    ["org_id", "set org_id = gen_random_uuid()"],
    ["expires_at", "set expires_at = now() + interval '10 years'"],
  ])("cannot change an invitation's %s, only mark it used", async (_column, assignment) => {
    const { id, tokenHash } = await pendingInvitation();
    const sql = asRuntime();

    const state = await failureOf(() =>
      sql.transaction([
        sql`select set_config('app.token_hash', ${tokenHash}, true)`,
        sql.query(`update invitations ${assignment} where id = $1`, [id]),
      ]),
    );

    expect(state).toBe("42501");
  });

  it("cannot insert an invitation into any organisation by claiming its token hash", async () => {
    const { owner } = await pendingInvitation();
    const sql = asRuntime();
    const tokenHash = "f".repeat(64);

    const state = await failureOf(() =>
      sql.transaction([
        sql`select set_config('app.token_hash', ${tokenHash}, true)`,
        sql`insert into invitations (id, org_id, email, role, token_hash, expires_at)
            values (gen_random_uuid(), ${owner.orgId}, 'x@example.com', 'owner', ${tokenHash},
                    now() + interval '1 day')`,
      ]),
    );

    expect(state).toBe("42501");
  });

  it.each([
    ["pending_registrations", "set expires_at = now() + interval '10 years'"],
    ["pending_registrations", "set password_hash = 'x'"],
    ["password_resets", "set expires_at = now() + interval '10 years'"],
    ["password_resets", "set user_id = gen_random_uuid()"],
  ])("cannot rewrite %s beyond marking it used (%s)", async (table, assignment) => {
    const sql = asRuntime();

    const state = await failureOf(() => sql.query(`update ${table} ${assignment} where false`, []));

    expect(state).toBe("42501");
  });
});

describe("API answers", () => {
  it.each(["/api/v1/auth/me", "/api/v1/people"])("%s may not be cached", async (path) => {
    const tenant = await newTenant();

    const res = await tenant.call(path);

    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("POST /api/v1/auth/password", () => {
  it("refuses a sixth wrong current password within 15 minutes, even from new addresses", async () => {
    const tenant = await newTenant();
    const attempt = (currentPassword: string) =>
      tenant.call<{ error: { code: string } }>("/api/v1/auth/password", {
        method: "POST",
        body: { currentPassword, newPassword: "uma-senha-nova-e-longa" },
      });

    for (let i = 0; i < 5; i++) expect((await attempt(`errada-${i}`)).status).toBe(401);
    const refused = await attempt(tenant.password);

    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
