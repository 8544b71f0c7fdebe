/**
 * The role matrix: who may do what in an organisation, as data. Each action names the weakest
 * role allowed to do it; every stronger role may do it too (viewer < member < admin < owner).
 * Routes ask `minRoleFor(action)` for the role to pass to `asMember`, so the matrix below is the
 * one place a permission changes, and `gallo_begin` enforces it inside the request's transaction.
 *
 * @example
 *   await asMember(c, minRoleFor("members.manage"), (db) => [...]);
 */
import type { Role } from "../../drizzle/schema.ts";

/** Roles from weakest to strongest, as `gallo_begin` ranks them. */
export const ROLE_RANKS = ["viewer", "member", "admin", "owner"] as const satisfies Role[];

/** What each action lets a role do, and the weakest role that may do it. */
export const ROLE_MATRIX = {
  "crm.read": { minimum: "viewer", what: "read CRM data (people, companies, deals, tasks)" },
  "crm.write": { minimum: "member", what: "create and edit CRM records" },
  "crm.delete": { minimum: "member", what: "delete CRM records" },
  "crm.export": { minimum: "admin", what: "export CRM data" },
  "members.read": { minimum: "viewer", what: "see the members of the organisation" },
  "membership.leave": { minimum: "viewer", what: "leave the organisation" },
  "members.manage": {
    minimum: "admin",
    what: "invite, remove and change the role of members and admins; revoke invitations",
  },
  "owners.manage": {
    minimum: "owner",
    what: "invite owners, grant the owner role, change or remove an owner",
  },
  "organisation.settings": { minimum: "admin", what: "change the organisation's settings" },
  "billing.manage": { minimum: "owner", what: "see and change the plan, payment and invoices" },
  "audit.read": { minimum: "admin", what: "read the audit log" },
  "ownership.transfer": { minimum: "owner", what: "hand ownership to another member" },
} as const satisfies Record<string, { minimum: Role; what: string }>;

export type Action = keyof typeof ROLE_MATRIX;

/** The weakest role that may perform `action`: the role to pass to `asMember`. */
export function minRoleFor(action: Action): Role {
  return ROLE_MATRIX[action].minimum;
}

/** True when `role` is `minimum` or stronger. */
export function isAtLeast(role: Role, minimum: Role): boolean {
  return ROLE_RANKS.indexOf(role) >= ROLE_RANKS.indexOf(minimum);
}

/** True when `role` may perform `action`. */
export function may(role: Role, action: Action): boolean {
  return isAtLeast(role, minRoleFor(action));
}
