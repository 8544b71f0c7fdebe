/** Helpers of the members tests: reading what requests wrote, as the owner role. */
import { expect, inject } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import type { Tenant } from "../support/api.ts";
import { connect } from "../support/db.ts";

export type ApiError = { error: { code: string; details?: { path: string }[] } };
export type Member = { id: string; email: string; role: Role; joinedAt: string };

// The owner role bypasses row-level security: for reading what a request wrote, and for set-up
// that no route offers.
export const asOwner = () => connect(inject("ownerUrl"));

/** The audit entries of `action` in `orgId`, oldest first. */
export async function auditOf(orgId: string, action: string) {
  const { rows } = await asOwner().query(
    `select actor_user_id, target_type, target_id, summary from audit_log
      where org_id = $1 and action = $2 order by created_at`,
    [orgId, action],
  );
  return rows;
}

/** How many owners `orgId` has, read below the API. */
export async function ownerCount(orgId: string): Promise<number> {
  const { rows } = await asOwner().query(
    "select count(*)::int as n from memberships where org_id = $1 and role = 'owner'",
    [orgId],
  );
  return Number(rows[0]?.n);
}

/** Roles by user id, as the organisation's member list shows them to `viewer`. */
export async function rolesIn(viewer: Tenant): Promise<Record<string, Role>> {
  const res = await viewer.call<{ data: Member[] }>("/api/v1/members");
  expect(res.status).toBe(200);
  return Object.fromEntries(res.body.data.map((m) => [m.id, m.role]));
}
