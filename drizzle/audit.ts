/**
 * The audit log. The runtime role may only INSERT (for its own organisation) and SELECT its own
 * organisation's entries: no UPDATE, DELETE or TRUNCATE is granted (see migrations).
 */
import { index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { organisations } from "./accounts.ts";
import { createdAt } from "./columns.ts";
import { tenantPolicies } from "./tenancy.ts";

export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    /** Who: null for the system or an anonymous caller; the email is kept as it was then. */
    actorUserId: uuid("actor_user_id"),
    actorEmail: text("actor_email"),
    /** What: a dotted verb (`auth.login`, `member.role_changed`), the target, and a summary. */
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    summary: jsonb("summary").$type<Record<string, unknown>>().notNull().default({}),
    /** Where from. */
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
  },
  (t) => [
    index("audit_log_org_created_idx").on(t.orgId, t.createdAt),
    ...tenantPolicies("audit_log"),
  ],
);
