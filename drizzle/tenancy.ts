/**
 * Row-level security building blocks shared by every tenant-owned table.
 *
 * The claims are read with `nullif(current_setting(name, true), '')`: without a claim the setting is
 * NULL or, once a connection has used it, the empty string; both must compare as "no tenant" and
 * match no row, rather than raise a cast error.
 */
import { sql } from "drizzle-orm";
import { pgPolicy } from "drizzle-orm/pg-core";

/** The organisation the current transaction acts for, or NULL. */
export const currentOrgId = sql`nullif(current_setting('app.org_id', true), '')::uuid`;

/** The user the current transaction acts for, or NULL. */
export const currentUserId = sql`nullif(current_setting('app.user_id', true), '')::uuid`;

/** The token hash a flow has proven it knows (email links: registration, reset, invitation). */
export const currentTokenHash = sql`nullif(current_setting('app.token_hash', true), '')`;

/** Policies for rows that belong to one user rather than an organisation (2FA, recovery codes). */
export function userPolicies(table: string, column = "user_id") {
  const own = sql`${sql.identifier(column)} = ${currentUserId}`;
  return [
    pgPolicy(`${table}_user_select`, { for: "select", to: "public", using: own }),
    pgPolicy(`${table}_user_insert`, { for: "insert", to: "public", withCheck: own }),
    pgPolicy(`${table}_user_update`, { for: "update", to: "public", using: own, withCheck: own }),
    pgPolicy(`${table}_user_delete`, { for: "delete", to: "public", using: own }),
  ];
}

/**
 * Policies for single-use email-link rows: a transaction sees or writes a row only when it claims
 * the row's token hash, i.e. when the request carried the secret link. Which columns it may then
 * change is limited by column privileges (migrations 0006): marking the row used, nothing else.
 *
 * @param options.insert whether holding a token may create a row (sign-up, reset: yes; an
 *   invitation is created by an admin under the tenant policies, never by its token)
 */
export function tokenPolicies(table: string, options: { insert: boolean } = { insert: true }) {
  const own = sql`token_hash = ${currentTokenHash}`;
  return [
    pgPolicy(`${table}_token_select`, { for: "select", to: "public", using: own }),
    ...(options.insert
      ? [pgPolicy(`${table}_token_insert`, { for: "insert", to: "public", withCheck: own })]
      : []),
    pgPolicy(`${table}_token_update`, { for: "update", to: "public", using: own, withCheck: own }),
  ];
}

/**
 * The four policies of a tenant-owned table: every command sees and writes only rows whose
 * `org_id` is the claimed organisation. Applied to every role (`public`): with FORCE ROW LEVEL
 * SECURITY the table owner is held to them too, so even migrations and seeds must set the claim.
 */
export function tenantPolicies(table: string, column = "org_id") {
  const own = sql`${sql.identifier(column)} = ${currentOrgId}`;
  return [
    pgPolicy(`${table}_tenant_select`, { for: "select", to: "public", using: own }),
    pgPolicy(`${table}_tenant_insert`, { for: "insert", to: "public", withCheck: own }),
    pgPolicy(`${table}_tenant_update`, { for: "update", to: "public", using: own, withCheck: own }),
    pgPolicy(`${table}_tenant_delete`, { for: "delete", to: "public", using: own }),
  ];
}
