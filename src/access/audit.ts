/**
 * The audit writer. `auditEntry` returns an INSERT to put in the same batch as the change it
 * describes, so no change lands without its entry and no entry without its change.
 */
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import { auditLog } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { newId } from "../lib/ids.ts";

export type AuditEvent = {
  orgId: string;
  /** Null when nobody is signed in (e.g. a failed login is charged to the account's org). */
  actorUserId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  /** What changed, never a password, token or secret. */
  summary?: Record<string, unknown>;
};

export function auditEntry(db: Db, c: Context<AppEnv>, event: AuditEvent) {
  return db.insert(auditLog).values({
    id: newId(),
    orgId: event.orgId,
    actorUserId: event.actorUserId,
    // The email as it is at this moment, read in the same transaction (users are self-visible).
    actorEmail: event.actorUserId
      ? sql`(select email from users where id = ${event.actorUserId}::uuid)`
      : null,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    summary: event.summary ?? {},
    ip: c.req.header("cf-connecting-ip") ?? null,
    userAgent: c.req.header("user-agent")?.slice(0, 512) ?? null,
    requestId: c.get("requestId"),
  });
}
