/**
 * The audit log. The runtime role may only INSERT (for its own organisation) and SELECT its own
 * organisation's entries: no UPDATE, DELETE or TRUNCATE is granted (see migrations).
 *
 * Each organisation's entries form a hash chain: the BEFORE INSERT trigger `gallo_audit_chain`
 * (migrations/0007_audit_chain_trigger.sql) numbers them (`seq`), links each to the previous
 * entry's hash and seals it with its own, under a per-organisation lock. `gallo_audit_verify()`
 * reports the first entry whose link or seal no longer holds.
 */
import { bigint, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organisations } from "./accounts.ts";
import { createdAt } from "./columns.ts";
import { tenantPolicies } from "./tenancy.ts";

export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey(),
    // Restrict, not cascade: the runtime role may delete its organisation's row, and a cascade
    // would take the audit log with it. Deleting an organisation goes through its own function.
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "restrict" }),
    /** UTC; the trigger keeps it from going back in time along the chain or into the future. */
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
    // The chain. The trigger overwrites all three on every insert, whatever the caller sends;
    // the defaults only let writers leave them out.
    /** 1, 2, 3, … within the organisation. */
    seq: bigint("seq", { mode: "number" }).notNull().default(0),
    /** The previous entry's `hash`, or 64 zeros for the organisation's first entry. */
    prevHash: text("prev_hash").notNull().default(""),
    /** SHA-256 (hex) of the entry's fields and `prev_hash` (`gallo_audit_hash`). */
    hash: text("hash").notNull().default(""),
  },
  (t) => [
    index("audit_log_org_created_idx").on(t.orgId, t.createdAt),
    uniqueIndex("audit_log_org_seq_idx").on(t.orgId, t.seq),
    ...tenantPolicies("audit_log"),
  ],
);
