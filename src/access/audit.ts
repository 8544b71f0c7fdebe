/**
 * The audit writer. `auditEntry` returns an INSERT to put in the same batch as the change it
 * describes, so no change lands without its entry and no entry without its change. The database
 * numbers the entry and links it into the organisation's hash chain (migrations 0009).
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
  /** What changed, never a password, token or secret: keys named like one are dropped. */
  summary?: Record<string, unknown>;
};

export function auditEntry(db: Db, c: Context<AppEnv>, event: AuditEvent) {
  const { summary, dropped } = withoutSecrets(event.summary ?? {});
  if (dropped.length > 0) {
    c.get("logger").warn("audit summary fields named like secrets were dropped", {
      action: event.action,
      dropped,
    });
  }
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
    summary,
    ip: c.req.header("cf-connecting-ip") ?? null,
    userAgent: c.req.header("user-agent")?.slice(0, 512) ?? null,
    requestId: c.get("requestId"),
  });
}

/** Key names that say the value is a credential, wherever they sit in a summary. */
const SECRET_KEY =
  /pass(word|phrase|wd)?|secret|token|cookie|authori[sz]ation|credential|hash|pepper|signature|totp|^otp|recovery.?codes?$|api.?key|private.?key|^key$|dsn|connection.?string/i;

/**
 * `summary` without the keys named like secrets, at any depth, and the paths of those dropped.
 * The audit log is kept for months and read by admins: a secret written there once would outlive
 * its rotation, so the writer refuses it whatever the caller passed.
 */
export function withoutSecrets(summary: Record<string, unknown>): {
  summary: Record<string, unknown>;
  dropped: string[];
} {
  const dropped: string[] = [];
  const clean = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((item, i) => clean(item, `${path}[${i}]`));
    if (!isPlainObject(value)) return value;
    const kept: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (SECRET_KEY.test(key)) dropped.push(at);
      else kept[key] = clean(inner, at);
    }
    return kept;
  };
  return { summary: clean(summary, "") as Record<string, unknown>, dropped };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
