/**
 * Reading a record's timeline: newest first, keyset-paginated, with the total. The caller puts
 * these statements in the same batch as the check that the record exists (and is not trashed).
 */
import { and, count, eq } from "drizzle-orm";
import { z } from "zod";
import { timelineEvents } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { after, type Cursor, orderOf, type SortSpec, sortKeyOf } from "./list-page.ts";
import type { RecordType } from "./timeline.ts";

export const timelineQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2000).optional(),
});

export const TIMELINE_SORT: SortSpec = {
  name: "timeline",
  keys: [{ column: timelineEvents.at, type: "timestamptz" }],
  id: timelineEvents.id,
  descending: true,
};

/** The page (limit + 1 rows, for `pageOf`) and the total count of a record's events. */
export function timelineQueries(
  db: Db,
  input: {
    orgId: string;
    recordType: RecordType;
    recordId: string;
    limit: number;
    cursor: Cursor | undefined;
  },
) {
  const ofRecord = and(
    eq(timelineEvents.orgId, input.orgId),
    eq(timelineEvents.recordType, input.recordType),
    eq(timelineEvents.recordId, input.recordId),
  );
  return [
    db
      .select({
        id: timelineEvents.id,
        at: timelineEvents.at,
        kind: timelineEvents.kind,
        actorId: timelineEvents.actorId,
        changes: timelineEvents.changes,
        sortKey: sortKeyOf(TIMELINE_SORT),
      })
      .from(timelineEvents)
      .where(and(ofRecord, after(TIMELINE_SORT, input.cursor)))
      .orderBy(...orderOf(TIMELINE_SORT))
      .limit(input.limit + 1),
    db.select({ total: count() }).from(timelineEvents).where(ofRecord),
  ] as const;
}
