/** Audit log statements, for use inside `asMember` batches. Each takes one object parameter. */
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { auditLog } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { type AuditFilter, endOf, startOf } from "./audit.schema.ts";

/** What a reader sees of an entry: everything, including its place in the chain. */
const columns = {
  seq: auditLog.seq,
  id: auditLog.id,
  createdAt: auditLog.createdAt,
  actorUserId: auditLog.actorUserId,
  actorEmail: auditLog.actorEmail,
  action: auditLog.action,
  targetType: auditLog.targetType,
  targetId: auditLog.targetId,
  summary: auditLog.summary,
  ip: auditLog.ip,
  userAgent: auditLog.userAgent,
  requestId: auditLog.requestId,
  prevHash: auditLog.prevHash,
  hash: auditLog.hash,
};

export type AuditEntryRow = {
  seq: number;
  id: string;
  createdAt: Date;
  actorUserId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  summary: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
};

/**
 * Newest first (by `seq`, which follows the order entries were written); `cursor` is the last
 * seq of the previous page. Fetches one row more than `limit` to know whether more exist.
 */
export function listAuditEntries({
  db,
  orgId,
  filter,
  limit,
  cursor,
}: {
  db: Db;
  orgId: string;
  filter: AuditFilter;
  limit: number;
  cursor?: number;
}) {
  return db
    .select(columns)
    .from(auditLog)
    .where(
      and(
        // RLS already scopes to the organisation; stating it lets the (org_id, seq) index lead.
        eq(auditLog.orgId, orgId),
        cursor === undefined ? undefined : lt(auditLog.seq, cursor),
        filter.actorUserId ? eq(auditLog.actorUserId, filter.actorUserId) : undefined,
        filter.action ? eq(auditLog.action, filter.action) : undefined,
        filter.targetType ? eq(auditLog.targetType, filter.targetType) : undefined,
        filter.targetId ? eq(auditLog.targetId, filter.targetId) : undefined,
        filter.from ? gte(auditLog.createdAt, startOf(filter.from)) : undefined,
        filter.to ? lt(auditLog.createdAt, endOf(filter.to)) : undefined,
      ),
    )
    .orderBy(desc(auditLog.seq))
    .limit(limit + 1);
}

/** The claimed organisation's first broken link (`broken`: a seq, or null when intact). */
export function verifyAuditChain({ db }: { db: Db }) {
  return db.execute<{ broken: string | null }>(sql`select gallo_audit_verify() as broken`);
}

/** How many entries the organisation's chain holds now, and the first and last seq. */
export function auditChainExtent({ db, orgId }: { db: Db; orgId: string }) {
  return db
    .select({
      entries: sql<number>`count(*)::int`,
      firstSeq: sql<string | null>`min(${auditLog.seq})::text`,
      lastSeq: sql<string | null>`max(${auditLog.seq})::text`,
    })
    .from(auditLog)
    .where(eq(auditLog.orgId, orgId));
}
