/**
 * The database schema. `npm run db:generate` turns changes here into SQL under `migrations/`;
 * grants, FORCE ROW LEVEL SECURITY and functions live in the hand-written migrations beside them.
 *
 * Every tenant-owned table carries `org_id`, indexed first, with `tenantPolicies`.
 */
import { sql } from "drizzle-orm";
import {
  check,
  index,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { currentOrgId, currentUserId, tenantPolicies } from "./tenancy.ts";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** An organisation is its own tenant: its key is `id`, guarded like every `org_id`. */
export const organisations = pgTable(
  "organisations",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  () => tenantPolicies("organisations", "id"),
).enableRLS();

/**
 * People who can log in. Not tenant-owned (one user may belong to several organisations): the
 * runtime role sees only the user named by the `app.user_id` claim. Lookup by email before login
 * goes through the `gallo_login_lookup` function (see migrations), never through this table.
 */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey(),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    check("users_email_normalised", sql`${t.email} = lower(btrim(${t.email}))`),
    pgPolicy("users_self_select", {
      for: "select",
      to: "public",
      using: sql`id = ${currentUserId}`,
    }),
    pgPolicy("users_self_insert", {
      for: "insert",
      to: "public",
      withCheck: sql`id = ${currentUserId}`,
    }),
    pgPolicy("users_self_update", {
      for: "update",
      to: "public",
      using: sql`id = ${currentUserId}`,
      withCheck: sql`id = ${currentUserId}`,
    }),
  ],
).enableRLS();

export const memberships = pgTable(
  "memberships",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    index("memberships_user_idx").on(t.userId),
    check("memberships_role_known", sql`${t.role} in ('owner', 'admin', 'member', 'viewer')`),
    ...tenantPolicies("memberships"),
  ],
);

/** A login. The JWT in the cookie names a row here; revoking the row ends the session at once. */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_org_user_idx").on(t.orgId, t.userId), ...tenantPolicies("sessions")],
);

export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull().default(""),
    email: text("email"),
    phone: text("phone"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("contacts_org_id_idx").on(t.orgId, t.id), ...tenantPolicies("contacts")],
);

/** Re-exported so callers need one import for the claim expressions. */
export { currentOrgId, currentUserId };
