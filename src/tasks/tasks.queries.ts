/** Task statements, for use inside `asMember` batches. Each takes one object parameter. */
import { and, count, eq, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import { memberships, tasks } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { newId } from "../lib/ids.ts";
import { guardOneRow } from "../records/guards.ts";
import { after, type Cursor, orderOf, type SortSpec, sortKeyOf } from "../records/list-page.ts";
import { allOf } from "../records/list-query.ts";
import type { RecordType, TimelineKind } from "../records/timeline.ts";
import { timelineEntryIf } from "../records/timeline-if.ts";
import { restorable } from "../records/trash.ts";
import { dueDay, dueMoment, inView, isOverdue } from "./due.ts";
import type { ListTasksQuery, TASK_SORTS } from "./tasks.schema.ts";

/** What a task row holds that a client may set. */
export type TaskFields = {
  kind: "call" | "meeting" | "email" | "todo";
  title: string;
  description: string | null;
  dueDate: string | null;
  dueAt: Date | null;
  assigneeId: string | null;
  doneAt: Date | SQL | null;
  recordType: RecordType | null;
  recordId: string | null;
};

export const taskColumns = {
  id: tasks.id,
  kind: tasks.kind,
  title: tasks.title,
  description: tasks.description,
  dueDate: tasks.dueDate,
  dueAt: tasks.dueAt,
  assigneeId: tasks.assigneeId,
  done: sql<boolean>`(${tasks.doneAt} is not null)`,
  doneAt: tasks.doneAt,
  overdue: isOverdue,
  recordType: tasks.recordType,
  recordId: tasks.recordId,
  version: tasks.version,
  createdBy: tasks.createdBy,
  createdAt: tasks.createdAt,
  updatedAt: tasks.updatedAt,
};

const live = (orgId: string) => and(eq(tasks.orgId, orgId), isNull(tasks.deletedAt));

export function findTaskById({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return db
    .select(taskColumns)
    .from(tasks)
    .where(and(live(orgId), eq(tasks.id, id)));
}

/** Whether `userId` is a member of the organisation (no rows when `userId` is null). */
export function memberQuery(db: Db, orgId: string, userId: string | null | undefined) {
  return db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), userId ? eq(memberships.userId, userId) : sql`false`));
}

/** By due moment, soonest first (undated last); or newest first by creation. */
export function taskSort(sort: (typeof TASK_SORTS)[number], order?: "asc" | "desc"): SortSpec {
  const byDue = sort === "due";
  return {
    name: sort,
    keys: [{ column: byDue ? dueMoment : tasks.createdAt, type: "timestamptz" }],
    id: tasks.id,
    descending: order ? order === "desc" : !byDue,
  };
}

type TaskFilters = Omit<ListTasksQuery, "limit" | "cursor" | "sort" | "order" | "assignee"> & {
  assigneeId?: string;
};

/** One page (limit + 1 rows, for `pageOf`) and the total of the tasks matching `filters`. */
export function listTasks(input: {
  db: Db;
  orgId: string;
  filters: TaskFilters;
  sort: SortSpec;
  cursor: Cursor | undefined;
  limit: number;
}) {
  const { db, orgId, filters: f, sort } = input;
  const matching = allOf([
    live(orgId),
    f.view ? inView(f.view) : undefined,
    f.assigneeId ? eq(tasks.assigneeId, f.assigneeId) : undefined,
    f.done === undefined ? undefined : f.done ? isNotNull(tasks.doneAt) : isNull(tasks.doneAt),
    f.kind ? eq(tasks.kind, f.kind) : undefined,
    f.recordType ? eq(tasks.recordType, f.recordType) : undefined,
    f.recordId ? eq(tasks.recordId, f.recordId) : undefined,
    f.dueFrom ? sql`${dueDay} >= ${f.dueFrom}::date` : undefined,
    f.dueTo ? sql`${dueDay} <= ${f.dueTo}::date` : undefined,
  ]);
  return [
    db
      .select({ ...taskColumns, sortKey: sortKeyOf(sort) })
      .from(tasks)
      .where(and(matching, after(sort, input.cursor)))
      .orderBy(...orderOf(sort))
      .limit(input.limit + 1),
    db.select({ total: count() }).from(tasks).where(matching),
  ] as const;
}

/** The task, a "task_added" entry on the record it hangs on (if any), then the task. */
export function createTask({
  db,
  orgId,
  actorId,
  id,
  fields,
}: {
  db: Db;
  orgId: string;
  actorId: string;
  id: string;
  fields: TaskFields;
}) {
  return [
    db.insert(tasks).values({ ...fields, id, orgId, createdBy: actorId }),
    timelineEntryIf(db, fields.recordId !== null, {
      orgId,
      actorId,
      recordType: fields.recordType,
      recordId: fields.recordId,
      kind: "task_added",
      changes: { task: { id, kind: fields.kind, title: fields.title } },
    }),
    findTaskById({ db, orgId, id }),
  ] as const;
}

/** An update of version `version` (404 or 409 aborts the batch), its timeline entry, the task. */
export function updateTask({
  db,
  orgId,
  actorId,
  id,
  version,
  fields,
  changes,
}: {
  db: Db;
  orgId: string;
  actorId: string;
  id: string;
  version: number;
  fields: Partial<TaskFields>;
  changes: Record<string, unknown>;
}) {
  const update = db
    .update(tasks)
    .set({ ...fields, version: sql`${tasks.version} + 1`, updatedAt: sql`now()` })
    .where(and(live(orgId), eq(tasks.id, id), eq(tasks.version, version)))
    .returning({ id: tasks.id });
  return [
    guardOneRow(db, {
      change: update.getSQL(),
      exists: sql`exists (select 1 from ${tasks}
                           where org_id = ${orgId} and id = ${id} and deleted_at is null)`,
    }),
    entryOnRecord({ db, orgId, actorId, id, kind: "task_updated", changes }),
    findTaskById({ db, orgId, id }),
  ] as const;
}

type Ids = { db: Db; orgId: string; actorId: string; id: string };

/** Moves a task to the trash (404 aborts the batch), noted on its record's timeline. */
export function trashTask({ db, orgId, actorId, id }: Ids) {
  const update = db
    .update(tasks)
    .set({ deletedAt: sql`now()`, deletedBy: actorId, version: sql`${tasks.version} + 1` })
    .where(and(live(orgId), eq(tasks.id, id)))
    .returning({ id: tasks.id });
  return [
    guardOneRow(db, { change: update.getSQL(), exists: sql`false` }),
    entryOnRecord({ db, orgId, actorId, id, kind: "task_deleted", changes: {} }),
  ] as const;
}

/** Takes a task out of the trash (within 30 days; else 404), noted on its record, then reads it. */
export function restoreTask({ db, orgId, actorId, id }: Ids) {
  const update = db
    .update(tasks)
    .set({
      deletedAt: null,
      deletedBy: null,
      version: sql`${tasks.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(tasks.orgId, orgId),
        eq(tasks.id, id),
        isNotNull(tasks.deletedAt),
        restorable(tasks.deletedAt),
      ),
    )
    .returning({ id: tasks.id });
  return [
    guardOneRow(db, { change: update.getSQL(), exists: sql`false` }),
    entryOnRecord({ db, orgId, actorId, id, kind: "task_restored", changes: {} }),
    findTaskById({ db, orgId, id }),
  ] as const;
}

/**
 * A timeline entry on the record the task hangs on (as the task is after this batch's change),
 * naming the task; nothing for a task on no record.
 */
function entryOnRecord(input: Ids & { kind: TimelineKind; changes: Record<string, unknown> }) {
  const { db, orgId, actorId, id, kind, changes } = input;
  return db.execute(sql`
    insert into timeline_events (id, org_id, record_type, record_id, actor_id, kind, changes)
    select ${newId()}::uuid, t.org_id, t.record_type, t.record_id, ${actorId}::uuid, ${kind},
           jsonb_build_object('task', jsonb_build_object('id', t.id, 'kind', t.kind, 'title', t.title))
             || ${JSON.stringify(changes)}::jsonb
      from ${tasks} t
     where t.org_id = ${orgId} and t.id = ${id} and t.record_id is not null`);
}
