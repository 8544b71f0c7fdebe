/** Custom field statements, for use inside `asMember` batches. Each takes one object parameter. */
import { and, count, eq, sql } from "drizzle-orm";
import { customFields, type Entity } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { after, type Cursor, orderOf, type SortSpec, sortKeyOf } from "../records/list-page.ts";
import type { FieldType } from "./values.ts";

export const customFieldColumns = {
  id: customFields.id,
  entity: customFields.entity,
  key: customFields.key,
  label: customFields.label,
  type: customFields.type,
  options: customFields.options,
  required: customFields.required,
  position: customFields.position,
  createdAt: customFields.createdAt,
};

/** Fields by kind of record, then in the order admins gave them. */
export const CUSTOM_FIELD_SORT: SortSpec = {
  name: "custom-fields",
  keys: [
    { column: customFields.entity, type: "text" },
    { column: customFields.position, type: "integer" },
    { column: customFields.key, type: "text" },
  ],
  id: customFields.id,
  descending: false,
};

export function listCustomFields(input: {
  db: Db;
  orgId: string;
  entity?: Entity;
  cursor: Cursor | undefined;
  limit: number;
}) {
  const { db } = input;
  const matching = and(
    eq(customFields.orgId, input.orgId),
    input.entity ? eq(customFields.entity, input.entity) : undefined,
  );
  return [
    db
      .select({ ...customFieldColumns, sortKey: sortKeyOf(CUSTOM_FIELD_SORT) })
      .from(customFields)
      .where(and(matching, after(CUSTOM_FIELD_SORT, input.cursor)))
      .orderBy(...orderOf(CUSTOM_FIELD_SORT))
      .limit(input.limit + 1),
    db.select({ total: count() }).from(customFields).where(matching),
  ] as const;
}

export function findCustomFieldById({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return db
    .select(customFieldColumns)
    .from(customFields)
    .where(and(eq(customFields.orgId, orgId), eq(customFields.id, id)));
}

export function createCustomField(input: {
  db: Db;
  orgId: string;
  id: string;
  fields: {
    entity: Entity;
    key: string;
    label: string;
    type: FieldType;
    options?: string[];
    required?: boolean;
    position?: number;
  };
}) {
  return input.db
    .insert(customFields)
    .values({ ...input.fields, id: input.id, orgId: input.orgId })
    .returning(customFieldColumns);
}

export function updateCustomField(input: {
  db: Db;
  orgId: string;
  id: string;
  fields: { label?: string; options?: string[]; required?: boolean; position?: number };
}) {
  return input.db
    .update(customFields)
    .set(input.fields)
    .where(and(eq(customFields.orgId, input.orgId), eq(customFields.id, input.id)))
    .returning(customFieldColumns);
}

/**
 * Deletes a definition and its values from every record of its entity, in one statement.
 * Answers the deleted field's key, or nothing when there was none.
 */
export function deleteCustomField({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  const strip = (table: string, entity: Entity) => sql`
    ${sql.identifier(`strip_${table}`)} as (
      update ${sql.identifier(table)} r set custom = r.custom - gone.key
        from gone
       where gone.entity = ${entity} and r.org_id = ${orgId}::uuid and r.custom ? gone.key
      returning 1)`;
  return db.execute<{ key: string }>(sql`
    with gone as (
      delete from custom_fields where org_id = ${orgId}::uuid and id = ${id}::uuid
      returning entity, key),
    ${strip("people", "person")},
    ${strip("companies", "company")},
    ${strip("deals", "deal")}
    select key from gone`);
}
