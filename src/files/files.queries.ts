/**
 * File statements, for use inside `asMember` batches. Each takes one object parameter. Every read
 * is by organisation and id under row-level security, so another organisation's file is simply
 * not there.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { files } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { guard } from "../records/guards.ts";
import { type RecordType, timelineEntry } from "../records/timeline.ts";

export const fileColumns = {
  id: files.id,
  recordType: files.recordType,
  recordId: files.recordId,
  name: files.name,
  contentType: files.contentType,
  size: files.size,
  status: files.status,
  createdBy: files.createdBy,
  createdAt: files.createdAt,
};

const live = (orgId: string) => and(eq(files.orgId, orgId), isNull(files.deletedAt));

/** A live file (pending or ready) with its object key, which only the server sees. */
export function findFileById({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return db
    .select({ ...fileColumns, objectKey: files.objectKey })
    .from(files)
    .where(and(live(orgId), eq(files.id, id)));
}

/** The ready files of one record, oldest first. */
export function listFiles(input: {
  db: Db;
  orgId: string;
  recordType: RecordType;
  recordId: string;
}) {
  const { db, orgId } = input;
  return db
    .select(fileColumns)
    .from(files)
    .where(
      and(
        live(orgId),
        eq(files.status, "ready"),
        eq(files.recordType, input.recordType),
        eq(files.recordId, input.recordId),
      ),
    )
    .orderBy(asc(files.createdAt), asc(files.id));
}

/** A pending file row, then reads it back. */
export function createFile(input: {
  db: Db;
  orgId: string;
  actorId: string;
  id: string;
  objectKey: string;
  recordType: RecordType;
  recordId: string;
  name: string;
  contentType: string;
  size: number;
}) {
  const { db, orgId, actorId, id, ...rest } = input;
  return [
    db.insert(files).values({ id, orgId, createdBy: actorId, status: "pending", ...rest }),
    findFileById({ db, orgId, id }),
  ] as const;
}

/**
 * Marks a pending file ready and adds "file_added" to its record's timeline: 404 unless the file
 * is live and pending (a second completion finds it ready and changes nothing).
 */
export function markFileReady(input: {
  db: Db;
  orgId: string;
  actorId: string;
  id: string;
  recordType: RecordType;
  recordId: string;
  name: string;
}) {
  const { db, orgId, actorId, id } = input;
  return [
    guard(
      db,
      sql`exists (select 1 from ${files} where org_id = ${orgId} and id = ${id}
                   and status = 'pending' and deleted_at is null)`,
      "NOT_FOUND",
    ),
    db
      .update(files)
      .set({ status: "ready" })
      .where(and(live(orgId), eq(files.id, id))),
    timelineEntry(db, {
      orgId,
      actorId,
      recordType: input.recordType,
      recordId: input.recordId,
      kind: "file_added",
      changes: { file: { id, name: input.name } },
    }),
    findFileById({ db, orgId, id }),
  ] as const;
}

/** Marks a file deleted (its object is removed by the route): 404 unless it is live. */
export function deleteFile({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return [
    guard(
      db,
      sql`exists (select 1 from ${files} where org_id = ${orgId} and id = ${id}
                   and deleted_at is null)`,
      "NOT_FOUND",
    ),
    db
      .update(files)
      .set({ deletedAt: sql`now()` })
      .where(and(live(orgId), eq(files.id, id))),
  ] as const;
}
