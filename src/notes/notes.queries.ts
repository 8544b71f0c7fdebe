/**
 * Note statements, for use inside `asMember` batches. Each takes one object parameter. A note's
 * author may edit, trash and restore it; so may the organisation's admins and owners. That rule is
 * checked inside the write batch, like the version.
 */
import { and, count, eq, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import { memberships, notes } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { newId } from "../lib/ids.ts";
import { guard, guardOneRow } from "../records/guards.ts";
import { after, type Cursor, orderOf, type SortSpec, sortKeyOf } from "../records/list-page.ts";
import { allOf } from "../records/list-query.ts";
import type { RecordType, TimelineKind } from "../records/timeline.ts";
import { timelineEntry } from "../records/timeline.ts";
import { restorable } from "../records/trash.ts";

export const noteColumns = {
  id: notes.id,
  recordType: notes.recordType,
  recordId: notes.recordId,
  body: notes.body,
  version: notes.version,
  createdBy: notes.createdBy,
  createdAt: notes.createdAt,
  updatedAt: notes.updatedAt,
};

/** Newest first. */
export const NOTE_ORDER: SortSpec = {
  name: "created",
  keys: [{ column: notes.createdAt, type: "timestamptz" }],
  id: notes.id,
  descending: true,
};

const live = (orgId: string) => and(eq(notes.orgId, orgId), isNull(notes.deletedAt));

export function findNoteById({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return db
    .select(noteColumns)
    .from(notes)
    .where(and(live(orgId), eq(notes.id, id)));
}

/** One page (limit + 1 rows, for `pageOf`) and the total, of one record's notes or all. */
export function listNotes(input: {
  db: Db;
  orgId: string;
  record: { recordType: RecordType; recordId: string } | undefined;
  cursor: Cursor | undefined;
  limit: number;
}) {
  const { db, orgId, record } = input;
  const matching = allOf([
    live(orgId),
    record ? eq(notes.recordType, record.recordType) : undefined,
    record ? eq(notes.recordId, record.recordId) : undefined,
  ]);
  return [
    db
      .select({ ...noteColumns, sortKey: sortKeyOf(NOTE_ORDER) })
      .from(notes)
      .where(and(matching, after(NOTE_ORDER, input.cursor)))
      .orderBy(...orderOf(NOTE_ORDER))
      .limit(input.limit + 1),
    db.select({ total: count() }).from(notes).where(matching),
  ] as const;
}

/** The note, a "note_added" entry on its record's timeline, then the note. */
export function createNote(input: {
  db: Db;
  orgId: string;
  actorId: string;
  id: string;
  recordType: RecordType;
  recordId: string;
  body: string;
}) {
  const { db, orgId, actorId, id, recordType, recordId, body } = input;
  return [
    db.insert(notes).values({ id, orgId, recordType, recordId, body, createdBy: actorId }),
    timelineEntry(db, {
      orgId,
      actorId,
      recordType,
      recordId,
      kind: "note_added",
      changes: { note: { id, excerpt: excerpt(body) } },
    }),
    findNoteById({ db, orgId, id }),
  ] as const;
}

type Ids = { db: Db; orgId: string; actorId: string; id: string };

/** A new body for version `version`: 404, 403 (not the author, not an admin) or 409 abort. */
export function updateNote(input: Ids & { version: number; body: string }) {
  const { db, orgId, actorId, id } = input;
  const update = db
    .update(notes)
    .set({ body: input.body, version: sql`${notes.version} + 1`, updatedAt: sql`now()` })
    .where(and(live(orgId), eq(notes.id, id), eq(notes.version, input.version)))
    .returning({ id: notes.id });
  return [
    guard(db, noteIs({ orgId, id, trashed: false }), "NOT_FOUND"),
    guard(db, mayChange({ orgId, id, actorId }), "FORBIDDEN"),
    guardOneRow(db, { change: update.getSQL(), exists: noteIs({ orgId, id, trashed: false }) }),
    entryOnRecord({ ...input, kind: "note_updated" }),
    findNoteById({ db, orgId, id }),
  ] as const;
}

/** Moves a note to the trash: 404 or 403 abort. */
export function trashNote(input: Ids) {
  const { db, orgId, actorId, id } = input;
  return [
    guard(db, noteIs({ orgId, id, trashed: false }), "NOT_FOUND"),
    guard(db, mayChange({ orgId, id, actorId }), "FORBIDDEN"),
    db
      .update(notes)
      .set({ deletedAt: sql`now()`, deletedBy: actorId, version: sql`${notes.version} + 1` })
      .where(and(live(orgId), eq(notes.id, id))),
    entryOnRecord({ ...input, kind: "note_deleted" }),
  ] as const;
}

/** Takes a note out of the trash (within 30 days): 404 or 403 abort. Then reads it. */
export function restoreNote(input: Ids) {
  const { db, orgId, actorId, id } = input;
  return [
    guard(db, noteIs({ orgId, id, trashed: true }), "NOT_FOUND"),
    guard(db, mayChange({ orgId, id, actorId }), "FORBIDDEN"),
    db
      .update(notes)
      .set({
        deletedAt: null,
        deletedBy: null,
        version: sql`${notes.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(notes.orgId, orgId), eq(notes.id, id), isNotNull(notes.deletedAt))),
    entryOnRecord({ ...input, kind: "note_restored" }),
    findNoteById({ db, orgId, id }),
  ] as const;
}

/** The note exists, live or (restorably) in the trash. */
function noteIs({ orgId, id, trashed }: { orgId: string; id: string; trashed: boolean }): SQL {
  const state = trashed
    ? sql`deleted_at is not null and ${restorable(notes.deletedAt)}`
    : sql`deleted_at is null`;
  return sql`exists (select 1 from ${notes} where org_id = ${orgId} and id = ${id} and ${state})`;
}

/** The caller wrote the note, or is an admin or owner of the organisation. */
function mayChange({ orgId, id, actorId }: { orgId: string; id: string; actorId: string }): SQL {
  return sql`(
    exists (select 1 from ${notes} where org_id = ${orgId} and id = ${id} and created_by = ${actorId})
    or exists (select 1 from ${memberships}
                where org_id = ${orgId} and user_id = ${actorId} and role in ('owner', 'admin')))`;
}

/** An entry on the timeline of the record the note is on, with the note's opening words. */
function entryOnRecord(input: Ids & { kind: TimelineKind }) {
  return input.db.execute(sql`
    insert into timeline_events (id, org_id, record_type, record_id, actor_id, kind, changes)
    select ${newId()}::uuid, n.org_id, n.record_type, n.record_id, ${input.actorId}::uuid,
           ${input.kind},
           jsonb_build_object('note', jsonb_build_object('id', n.id, 'excerpt', left(n.body, 140)))
      from ${notes} n
     where n.org_id = ${input.orgId} and n.id = ${input.id}`);
}

function excerpt(body: string): string {
  return body.slice(0, 140);
}
