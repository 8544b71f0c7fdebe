/**
 * The trash of an organisation: people, companies and deals deleted in the last 30 days (older
 * ones wait for the nightly purge and can no longer be restored), newest deletion first.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Entity } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { after, type Cursor, orderOf, type SortSpec, sortKeyOf } from "../records/list-page.ts";
import { TRASH_DAYS } from "../records/trash.ts";

export type TrashedRecord = {
  kind: Entity;
  id: string;
  title: string;
  deletedAt: string;
  deletedBy: string | null;
  /** When the nightly job deletes it for good. */
  purgeAfter: string;
  sortKey: string[];
};

export const TRASH_SORT: SortSpec = {
  name: "trash",
  keys: [{ column: sql`t.deleted_at`, type: "timestamptz" }],
  id: sql`t.id`,
  descending: true,
};

/** One page (limit + 1 rows, for `pageOf`) and the total of the trash, of one kind or all. */
export function listTrash(input: {
  db: Db;
  orgId: string;
  kind?: Entity;
  cursor: Cursor | undefined;
  limit: number;
}) {
  const { db } = input;
  const trashed = trashedRecords(input.orgId, input.kind);
  const iso = (column: SQL) =>
    sql`to_char((${column}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const cursorCondition = after(TRASH_SORT, input.cursor) ?? sql`true`;
  return [
    db.execute<TrashedRecord>(sql`
      select t.kind, t.id, t.title, ${iso(sql`t.deleted_at`)} as "deletedAt",
             t.deleted_by as "deletedBy",
             ${iso(sql`t.deleted_at + make_interval(days => ${TRASH_DAYS})`)} as "purgeAfter",
             ${sortKeyOf(TRASH_SORT)} as "sortKey"
        from (${trashed}) t
       where ${cursorCondition}
       order by ${sql.join(orderOf(TRASH_SORT), sql`, `)}
       limit ${input.limit + 1}`),
    db.execute<{ total: number }>(sql`select count(*)::int as total from (${trashed}) t`),
  ] as const;
}

function trashedRecords(orgId: string, kind: Entity | undefined): SQL {
  const recent = (alias: string) =>
    sql`${sql.raw(alias)}.org_id = ${orgId}::uuid
        and ${sql.raw(alias)}.deleted_at > now() - make_interval(days => ${TRASH_DAYS})`;
  const parts: [Entity, SQL][] = [
    [
      "person",
      sql`select 'person' as kind, p.id, btrim(p.first_name || ' ' || p.last_name) as title,
                 p.deleted_at, p.deleted_by from people p where ${recent("p")}`,
    ],
    [
      "company",
      sql`select 'company' as kind, c.id, c.name as title, c.deleted_at, c.deleted_by
            from companies c where ${recent("c")}`,
    ],
    [
      "deal",
      sql`select 'deal' as kind, d.id, d.title, d.deleted_at, d.deleted_by
            from deals d where ${recent("d")}`,
    ],
  ];
  const chosen = parts.filter(([k]) => kind === undefined || k === kind).map(([, part]) => part);
  return sql.join(chosen, sql` union all `);
}
