/**
 * A change and its timeline entry as one statement:
 *
 *   with changed as (update ... returning id)
 *   insert into timeline_events ... select ... from changed
 *
 * The entry is written exactly when the change hit its row, so an UPDATE guarded by
 * `version = $version` that finds nothing (another edit won, or the record is gone) leaves no
 * entry behind, and no concurrent commit between two statements can fool the check.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/tenant.ts";
import { newId } from "../lib/ids.ts";
import type { RecordType, TimelineKind } from "./timeline.ts";

/** Anything that renders to one `UPDATE ... RETURNING id` (a drizzle update builder). */
type Change = { getSQL(): SQL };

/**
 * Runs `change` and records `kind` on the timeline of the row it changed. Answers the changed
 * record's id in `rows` (none when nothing matched).
 */
export function changeWithTimeline(
  db: Db,
  change: Change,
  event: {
    orgId: string;
    actorId: string;
    recordType: RecordType;
    kind: TimelineKind;
    changes?: Record<string, unknown>;
  },
) {
  return db.execute<{ record_id: string }>(sql`
    with changed as (${change.getSQL()})
    insert into timeline_events (id, org_id, record_type, record_id, actor_id, kind, changes)
    select ${newId()}::uuid, ${event.orgId}::uuid, ${event.recordType}, changed.id,
           ${event.actorId}::uuid, ${event.kind}, ${JSON.stringify(event.changes ?? {})}::jsonb
      from changed
    returning record_id`);
}
