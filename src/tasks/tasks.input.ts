/**
 * From a validated request body to the columns of a task: a due date or a due time (setting one
 * clears the other), done as the moment it was done, the assignee and the record checked.
 */
import { sql } from "drizzle-orm";
import type { Issues } from "../records/issues.ts";
import { checkLinkedRecord } from "../records/linked-record.ts";
import { withoutUndefined } from "../records/normalise.ts";
import type { TaskFields } from "./tasks.queries.ts";
import type { UpdateTaskBody } from "./tasks.schema.ts";

/** The task as read before an update (what `findTaskById` answers). */
export type CurrentTask = Omit<TaskFields, "doneAt"> & { done: boolean };

/**
 * The columns `body` sets, and on update the `{ field: { old, new } }` changes for the timeline.
 * On create (`current` undefined) every column gets a value.
 */
export function taskChange(
  input: {
    body: UpdateTaskBody;
    assigneeFound: { userId: string }[];
    recordFound: { id: string }[];
    current?: CurrentTask;
  },
  issues: Issues,
): { fields: Partial<TaskFields>; changes: Record<string, { old: unknown; new: unknown }> } {
  const { body, current } = input;
  const creating = current === undefined;

  if (body.assigneeId && input.assigneeFound.length === 0) {
    issues.add("assigneeId", {
      en: "The assignee must be a member of this organisation.",
      "pt-BR": "O responsável deve ser membro desta organização.",
    });
  }
  const record = body.recordType && body.recordId ? { recordId: body.recordId } : undefined;
  checkLinkedRecord(record, input.recordFound, issues);

  const fields: Partial<TaskFields> = withoutUndefined({
    kind: body.kind ?? (creating ? "todo" : undefined),
    title: body.title,
    description: creating ? (body.description ?? null) : body.description,
    ...due(body, creating),
    assigneeId: body.assigneeId,
    doneAt: doneAt(body.done, current?.done ?? false, creating),
    recordType: body.recordType ?? (creating ? null : undefined),
    recordId: body.recordId ?? (creating ? null : undefined),
  });

  return { fields, changes: current ? changesOf(current, body, fields) : {} };
}

/** A due date or a due time, at most one: setting one clears the other; null clears. */
function due(
  body: UpdateTaskBody,
  creating: boolean,
): Partial<Pick<TaskFields, "dueDate" | "dueAt">> {
  if (body.dueAt) return { dueAt: new Date(body.dueAt), dueDate: null };
  if (body.dueDate) return { dueDate: body.dueDate, dueAt: null };
  return {
    dueDate: body.dueDate === null || creating ? null : undefined,
    dueAt: body.dueAt === null || creating ? null : undefined,
  };
}

function doneAt(done: boolean | undefined, wasDone: boolean, creating: boolean) {
  if (done === undefined) return creating ? null : undefined;
  if (done === wasDone && !creating) return undefined;
  return done ? sql`now()` : null;
}

function changesOf(current: CurrentTask, body: UpdateTaskBody, fields: Partial<TaskFields>) {
  const before: Record<string, unknown> = {
    ...current,
    dueAt: current.dueAt ? new Date(current.dueAt).toISOString() : null,
  };
  const after: Record<string, unknown> = {
    ...fields,
    dueAt: fields.dueAt instanceof Date ? fields.dueAt.toISOString() : fields.dueAt,
    done: body.done,
  };
  const changes: Record<string, { old: unknown; new: unknown }> = {};
  for (const [field, value] of Object.entries(after)) {
    if (field === "doneAt" || value === undefined) continue;
    if (JSON.stringify(before[field] ?? null) !== JSON.stringify(value)) {
      changes[field] = { old: before[field] ?? null, new: value };
    }
  }
  return changes;
}
