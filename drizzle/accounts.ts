/**
 * Accounts and access: organisations, users, memberships, sessions, two-factor secrets, and the
 * single-use email-link rows (registration, password reset, invitation).
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, moment } from "./columns.ts";
import { currentUserId, tenantPolicies, tokenPolicies, userPolicies } from "./tenancy.ts";

export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const roleCheck = (column: string) =>
  sql`${sql.identifier(column)} in ('owner', 'admin', 'member', 'viewer')`;

/** An organisation is its own tenant: its key is `id`, guarded like every `org_id`. */
export const organisations = pgTable(
  "organisations",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    /** When true, owners and admins must have two-factor authentication to do anything. */
    require2fa: boolean("require_2fa").notNull().default(false),
    /** Default region for phone numbers and tax ids (ISO 3166-1 alpha-2: BR, PT). */
    region: text("region").notNull().default("BR"),
    /** Language of what the organisation itself owns (default pipeline names, emails). */
    locale: text("locale").notNull().default("pt-BR"),
    timezone: text("timezone").notNull().default("America/Sao_Paulo"),
    createdAt: createdAt(),
  },
  (t) => [
    check("organisations_region_known", sql`${t.region} in ('BR', 'PT')`),
    check("organisations_locale_known", sql`${t.locale} in ('pt-BR', 'pt-PT', 'en')`),
    ...tenantPolicies("organisations", "id"),
  ],
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
    passwordChangedAt: moment("password_changed_at").notNull().defaultNow(),
    name: text("name"),
    /** Null: follow the browser. */
    locale: text("locale"),
    /** IANA zone in which "today" and "overdue" are computed; null: the organisation's. */
    timezone: text("timezone"),
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
    check("memberships_role_known", roleCheck("role")),
    ...tenantPolicies("memberships"),
  ],
);

/**
 * A login. The JWT in the cookie names a row here; revoking the row ends the session at once.
 * Besides the tenant policies, a user sees and updates their own sessions in every organisation,
 * so "log out everywhere" and the session list span organisations.
 */
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
    lastSeenAt: moment("last_seen_at").notNull().defaultNow(),
    expiresAt: moment("expires_at").notNull(),
    revokedAt: moment("revoked_at"),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [
    index("sessions_org_user_idx").on(t.orgId, t.userId),
    index("sessions_user_idx").on(t.userId),
    ...tenantPolicies("sessions"),
    pgPolicy("sessions_user_select", {
      for: "select",
      to: "public",
      using: sql`user_id = ${currentUserId}`,
    }),
    pgPolicy("sessions_user_update", {
      for: "update",
      to: "public",
      using: sql`user_id = ${currentUserId}`,
      withCheck: sql`user_id = ${currentUserId}`,
    }),
  ],
);

/** A user's TOTP secret, encrypted with AES-GCM; `enabledAt` is null until enrolment is confirmed. */
export const userTotp = pgTable(
  "user_totp",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    secretEncrypted: text("secret_encrypted").notNull(),
    enabledAt: moment("enabled_at"),
    /** The last accepted time step: a code of this step or an earlier one is a replay. */
    lastStep: bigint("last_step", { mode: "number" }),
    createdAt: createdAt(),
  },
  () => userPolicies("user_totp"),
).enableRLS();

/** Single-use recovery codes, stored as SHA-256 hashes (they are high-entropy random strings). */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: moment("used_at"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] }), ...userPolicies("recovery_codes")],
);

/** A sign-up waiting for its email to be confirmed; nothing else exists until then. */
export const pendingRegistrations = pgTable(
  "pending_registrations",
  {
    tokenHash: text("token_hash").primaryKey(),
    email: text("email").notNull(),
    organisationName: text("organisation_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    expiresAt: moment("expires_at").notNull(),
    completedAt: moment("completed_at"),
    createdAt: createdAt(),
  },
  () => tokenPolicies("pending_registrations"),
).enableRLS();

export const passwordResets = pgTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: moment("expires_at").notNull(),
    usedAt: moment("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("password_resets_user_idx").on(t.userId), ...tokenPolicies("password_resets")],
);

/**
 * An invitation to join an organisation. Its admins see it through the tenant policies; the
 * invitee, who is not a member yet, reaches it only by the secret link (token policies).
 */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: moment("expires_at").notNull(),
    acceptedAt: moment("accepted_at"),
    revokedAt: moment("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("invitations_org_idx").on(t.orgId, t.createdAt),
    uniqueIndex("invitations_token_key").on(t.tokenHash),
    check("invitations_role_known", roleCheck("role")),
    ...tenantPolicies("invitations"),
    ...tokenPolicies("invitations", { insert: false }),
  ],
);
