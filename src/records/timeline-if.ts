/**
 * A timeline entry that is written only when a condition known while building the batch holds,
 * so a batch can keep one fixed shape (and typed results) whether or not the entry applies: a
 * task without a record has no timeline to write to, an update that moves no stage no move.
 */
import { sql } from "drizzle-orm";
import { timelineEvents } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { newId } from "../lib/ids.ts";
import type { RecordType, TimelineKind } from "./timeline.ts";

export function timelineEntryIf(
  db: Db,
  when: boolean,
  event: {
    orgId: string;
    actorId: string;
    recordType: RecordType | null;
    recordId: string | null;
    kind: TimelineKind;
    changes: Record<string, unknown>;
  },
) {
  return db.execute(sql`
    insert into ${timelineEvents} (id, org_id, record_type, record_id, actor_id, kind, changes)
    select ${newId()}::uuid, ${event.orgId}::uuid, ${event.recordType}, ${event.recordId}::uuid,
           ${event.actorId}::uuid, ${event.kind}, ${JSON.stringify(event.changes)}::jsonb
     where ${when}::boolean`);
}
