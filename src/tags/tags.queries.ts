/** Tag statements, for use inside `asMember` batches. Each takes one object parameter. */
import { and, count, eq, sql } from "drizzle-orm";
import { companies, deals, type Entity, people, tags } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { after, type Cursor, orderOf, type SortSpec, sortKeyOf } from "../records/list-page.ts";

export const tagColumns = {
  id: tags.id,
  entity: tags.entity,
  name: tags.name,
  color: tags.color,
  createdAt: tags.createdAt,
};

/** Tags by kind of record, then name. */
export const TAG_SORT: SortSpec = {
  name: "tags",
  keys: [
    { column: tags.entity, type: "text" },
    { column: tags.name, type: "text" },
  ],
  id: tags.id,
  descending: false,
};

export function listTags(input: {
  db: Db;
  orgId: string;
  entity?: Entity;
  cursor: Cursor | undefined;
  limit: number;
}) {
  const { db } = input;
  const matching = and(
    eq(tags.orgId, input.orgId),
    input.entity ? eq(tags.entity, input.entity) : undefined,
  );
  return [
    db
      .select({ ...tagColumns, sortKey: sortKeyOf(TAG_SORT) })
      .from(tags)
      .where(and(matching, after(TAG_SORT, input.cursor)))
      .orderBy(...orderOf(TAG_SORT))
      .limit(input.limit + 1),
    db.select({ total: count() }).from(tags).where(matching),
  ] as const;
}

export function createTag(input: {
  db: Db;
  orgId: string;
  id: string;
  fields: { entity: Entity; name: string; color?: string | null };
}) {
  return input.db
    .insert(tags)
    .values({ ...input.fields, id: input.id, orgId: input.orgId })
    .returning(tagColumns);
}

export function updateTag(input: {
  db: Db;
  orgId: string;
  id: string;
  fields: { name?: string; color?: string | null };
}) {
  return input.db
    .update(tags)
    .set(input.fields)
    .where(and(eq(tags.orgId, input.orgId), eq(tags.id, input.id)))
    .returning(tagColumns);
}

/**
 * Deletes a tag and takes it off every record that carries it (records keep no dangling tag
 * ids). Answers the deleted tag, or nothing when there was none.
 */
export function deleteTag({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  const untag = (table: typeof people | typeof companies | typeof deals) =>
    db
      .update(table)
      .set({ tagIds: sql`array_remove(${table.tagIds}, ${id}::uuid)` })
      .where(and(eq(table.orgId, orgId), sql`${table.tagIds} @> array[${id}::uuid]`));
  return [
    untag(people),
    untag(companies),
    untag(deals),
    db
      .delete(tags)
      .where(and(eq(tags.orgId, orgId), eq(tags.id, id)))
      .returning({ id: tags.id }),
  ] as const;
}
