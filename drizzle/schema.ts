/**
 * The database schema, one file per capability. `npm run db:generate` turns changes into SQL under
 * `migrations/`; grants, FORCE ROW LEVEL SECURITY and functions live in the hand-written migrations
 * beside the generated ones.
 *
 * Every tenant-owned table carries `org_id`, indexed first, with `tenantPolicies`.
 */
export * from "./accounts.ts";
export * from "./audit.ts";
export * from "./crm.ts";
export * from "./files.ts";
export { currentOrgId, currentTokenHash, currentUserId } from "./tenancy.ts";
