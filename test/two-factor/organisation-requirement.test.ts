import { describe, expect, it } from "vitest";
import { newTenant, type Tenant, tenantFrom } from "../support/api.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";
import { asOwner, auditOf, codeIn, startEnrolment } from "./support.ts";

type ApiError = { error: { code: string } };
type Role = "owner" | "admin" | "member" | "viewer";

describe("PATCH /api/v1/organisation/settings", () => {
  it("lets the owner require 2FA, answers the setting and records org.settings_changed", async () => {
    const tenant = await newTenant();

    const res = await requireTwoFactor(tenant, true);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ requireTwoFactor: true });
    const me = await tenant.call<{ organisation: { require2fa: boolean } }>("/api/v1/auth/me");
    expect(me.body.organisation.require2fa).toBe(true);
    const audit = await auditOf(tenant.orgId);
    expect(audit.filter((a) => a.action === "org.settings_changed")).toEqual([
      expect.objectContaining({
        actor_user_id: tenant.userId,
        summary: { requireTwoFactor: true },
      }),
    ]);
  });

  it.each([
    { role: "admin", status: 200 },
    { role: "member", status: 403 },
    { role: "viewer", status: 403 },
  ] as const)("answers $status to the role $role", async ({ role, status }) => {
    const owner = await newTenant();
    const other = await joinAs(owner, role);

    const res = await requireTwoFactor(other, true);

    expect(res.status).toBe(status);
    const stored = await owner.call<{ organisation: { require2fa: boolean } }>("/api/v1/auth/me");
    expect(stored.body.organisation.require2fa).toBe(status === 200);
  });

  it.each([
    { problem: "an organisation id is sent", body: { requireTwoFactor: true, orgId: "x" } },
    { problem: "the setting is not a boolean", body: { requireTwoFactor: "yes" } },
    { problem: "the body is empty", body: {} },
  ])("answers 400 VALIDATION_FAILED when $problem", async ({ body }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/organisation/settings", {
      method: "PATCH",
      body,
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({
      method: "PATCH",
      path: "/api/v1/organisation/settings",
      body: { requireTwoFactor: false },
    });
  });
});

describe("an organisation that requires 2FA", () => {
  it("holds an owner without 2FA at enrolment: 428 elsewhere, then full access once enrolled", async () => {
    const tenant = await newTenant();
    await requireTwoFactor(tenant, true);

    const blocked = await tenant.call<ApiError>("/api/v1/people");
    expect(blocked.status).toBe(428);
    expect(blocked.body.error.code).toBe("TWO_FACTOR_REQUIRED");
    const created = await tenant.call("/api/v1/people", {
      method: "POST",
      body: { firstName: "Beatriz" },
    });
    expect(created.status).toBe(428);
    expect((await tenant.call("/api/v1/auth/me")).status).toBe(200);

    const { secret } = await startEnrolment(tenant);
    const confirmed = await tenant.call("/api/v1/auth/2fa/enrol/confirm", {
      method: "POST",
      body: { code: await codeIn(secret, 0) },
    });

    expect(confirmed.status).toBe(200);
    expect((await tenant.call("/api/v1/people")).status).toBe(200);
  });

  it("lets such an owner log out", async () => {
    const tenant = await newTenant();
    await requireTwoFactor(tenant, true);

    const res = await tenant.call("/api/v1/auth/logout", { method: "POST" });

    expect(res.status).toBe(204);
    expect((await tenant.call("/api/v1/auth/me")).status).toBe(401);
  });

  it("does not let such an owner lift the requirement before enrolling", async () => {
    const tenant = await newTenant();
    await requireTwoFactor(tenant, true);

    const res = await requireTwoFactor(tenant, false);

    expect(res.status).toBe(428);
    const me = await tenant.call<{ organisation: { require2fa: boolean } }>("/api/v1/auth/me");
    expect(me.body.organisation.require2fa).toBe(true);
  });

  it.each([
    { role: "admin", status: 428 },
    { role: "member", status: 200 },
    { role: "viewer", status: 200 },
  ] as const)("answers $status to the role $role without 2FA", async ({ role, status }) => {
    const owner = await newTenant();
    const other = await joinAs(owner, role);
    await requireTwoFactor(owner, true);

    const res = await other.call("/api/v1/people");

    expect(res.status).toBe(status);
  });
});

function requireTwoFactor(tenant: Tenant, on: boolean) {
  return tenant.call<ApiError | { requireTwoFactor: boolean }>("/api/v1/organisation/settings", {
    method: "PATCH",
    body: { requireTwoFactor: on },
  });
}

/**
 * Another user with `role` in `owner`'s organisation, signed in there. The membership is written
 * directly: invitations are a route of their own, built separately.
 */
async function joinAs(owner: Tenant, role: Role): Promise<Tenant> {
  const other = await newTenant("Joiner");
  const sql = asOwner();
  await sql.transaction([
    sql`select set_config('app.org_id', ${owner.orgId}, true)`,
    sql`insert into memberships (org_id, user_id, role)
        values (${owner.orgId}::uuid, ${other.userId}::uuid, ${role})`,
  ]);
  const res = await other.call<{ organisation: { id: string }; csrfToken: string }>(
    "/api/v1/auth/switch-organisation",
    { method: "POST", body: { organisationId: owner.orgId } },
  );
  if (res.status !== 200) throw new Error(`switch failed: ${JSON.stringify(res.body)}`);
  return tenantFrom({ ...res, body: { ...res.body, user: { id: other.userId } } }, other);
}
