/**
 * The timeline writer. `timelineEntry` returns an INSERT to put in the same batch as the change,
 * like the audit writer, so a record's history cannot miss a change that landed.
 */
import { timelineEvents } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { newId } from "../lib/ids.ts";

export type RecordType = "company" | "person" | "deal";

export type TimelineKind =
  | "created"
  | "updated"
  | "stage_moved"
  | "note_added"
  | "note_updated"
  | "note_deleted"
  | "note_restored"
  | "task_added"
  | "task_updated"
  | "task_deleted"
  | "task_restored"
  | "file_added"
  | "merged"
  | "imported"
  | "deleted"
  | "restored";

export function timelineEntry(
  db: Db,
  event: {
    orgId: string;
    actorId: string | null;
    recordType: RecordType;
    recordId: string;
    kind: TimelineKind;
    changes?: Record<string, unknown>;
  },
) {
  return db.insert(timelineEvents).values({
    id: newId(),
    orgId: event.orgId,
    recordType: event.recordType,
    recordId: event.recordId,
    actorId: event.actorId,
    kind: event.kind,
    changes: event.changes ?? {},
  });
}

/** `{ field: { old, new } }` for the fields of `next` whose value differs from `previous`. */
export function diff(
  previous: Record<string, unknown>,
  next: Record<string, unknown>,
): Record<string, { old: unknown; new: unknown }> {
  const changes: Record<string, { old: unknown; new: unknown }> = {};
  for (const [field, value] of Object.entries(next)) {
    if (JSON.stringify(previous[field]) !== JSON.stringify(value)) {
      changes[field] = { old: previous[field] ?? null, new: value ?? null };
    }
  }
  return changes;
}
