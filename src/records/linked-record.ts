/**
 * Tasks and notes hang on a record (a company, person or deal). The record must exist in the
 * caller's organisation and not be in the trash; another organisation's record is invisible here
 * (row-level security), so naming one is a validation error, never a link.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { companies, deals, people, RECORD_TYPES } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import type { Issues } from "./issues.ts";
import type { RecordType } from "./timeline.ts";

export { RECORD_TYPES };

/** The record named, if it exists and is not trashed; no rows when `record` is undefined. */
export function linkedRecordQuery(
  db: Db,
  orgId: string,
  record: { recordType: RecordType; recordId: string } | undefined,
) {
  const table =
    record?.recordType === "company" ? companies : record?.recordType === "person" ? people : deals;
  return db
    .select({ id: table.id })
    .from(table)
    .where(
      and(
        eq(table.orgId, orgId),
        isNull(table.deletedAt),
        record ? eq(table.id, record.recordId) : sql`false`,
      ),
    );
}

/** Records a problem on `recordId` when the record named was not found. */
export function checkLinkedRecord(
  record: { recordId: string } | undefined,
  found: { id: string }[],
  issues: Issues,
): void {
  if (record && found.length === 0) {
    issues.add("recordId", {
      en: "There is no such record in this organisation.",
      "pt-BR": "Não existe este registro nesta organização.",
    });
  }
}
