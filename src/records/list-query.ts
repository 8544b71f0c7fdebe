/**
 * The list query every kind of record shares: page size and cursor, sort (name, created, updated;
 * asc or desc) and filters (owner, tag, created and updated date ranges, custom field equality as
 * `cf.<key>=value`). Dates are days (`YYYY-MM-DD`) in the caller's time zone (their own, else
 * the organisation's), so "created on 20/02" means that day where the team works.
 */
import { and, gte, lt, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import { currentOrgId, currentUserId } from "../../drizzle/schema.ts";
import { isCalendarDate } from "../custom-fields/values.ts";
import type { SortSpec } from "./list-page.ts";

export const SORTS = ["name", "created", "updated"] as const;
export type Sort = (typeof SORTS)[number];

const CUSTOM_PREFIX = "cf.";
const day = z.string().refine(isCalendarDate, { error: "Expected a date as YYYY-MM-DD." });

/**
 * The strict query schema of a record list, with the entity's own filters in `extra`.
 * `cf.<key>=value` parameters arrive grouped as `custom: { key: value }`.
 */
export function recordListQuery<Extra extends z.ZodRawShape>(extra: Extra) {
  return z.preprocess(
    groupCustomFilters,
    z.strictObject({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(2000).optional(),
      sort: z.enum(SORTS).default("created"),
      /** Default: ascending by name, newest first by date. */
      order: z.enum(["asc", "desc"]).optional(),
      ownerId: z.uuid({ error: "Not a user id." }).optional(),
      tagId: z.uuid({ error: "Not a tag id." }).optional(),
      createdFrom: day.optional(),
      createdTo: day.optional(),
      updatedFrom: day.optional(),
      updatedTo: day.optional(),
      custom: z
        .record(
          z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, { error: "Not a custom field key." }),
          z.string().max(500),
        )
        .optional(),
      ...extra,
    }),
  );
}

/** The filters every record list understands (the parsed query, minus paging and sort). */
export type RecordFilters = {
  ownerId?: string;
  tagId?: string;
  createdFrom?: string;
  createdTo?: string;
  updatedFrom?: string;
  updatedTo?: string;
  custom?: Record<string, string>;
};

/** The columns of `recordColumns()` (drizzle/crm-columns.ts) the filters read. */
export type RecordTable = {
  ownerId: AnyPgColumn;
  tagIds: AnyPgColumn;
  custom: AnyPgColumn;
  createdAt: AnyPgColumn;
  updatedAt: AnyPgColumn;
};

/** WHERE conditions for `filters` on a table of records. */
export function recordFilters(table: RecordTable, filters: RecordFilters): (SQL | undefined)[] {
  return [
    filters.ownerId ? sql`${table.ownerId} = ${filters.ownerId}::uuid` : undefined,
    filters.tagId ? sql`${table.tagIds} @> array[${filters.tagId}::uuid]` : undefined,
    filters.createdFrom ? gte(table.createdAt, startOfDay(filters.createdFrom, 0)) : undefined,
    filters.createdTo ? lt(table.createdAt, startOfDay(filters.createdTo, 1)) : undefined,
    filters.updatedFrom ? gte(table.updatedAt, startOfDay(filters.updatedFrom, 0)) : undefined,
    filters.updatedTo ? lt(table.updatedAt, startOfDay(filters.updatedTo, 1)) : undefined,
    ...Object.entries(filters.custom ?? {}).map(([key, value]) => customEquals(table, key, value)),
  ];
}

/**
 * The sort of a list: `name` uses the entity's name columns, the dates their column; the id
 * breaks ties so the order is total.
 */
export function sortSpec(
  table: RecordTable & { id: AnyPgColumn },
  nameColumns: AnyPgColumn[],
  sort: Sort,
  order: "asc" | "desc" | undefined,
): SortSpec {
  const descending = (order ?? (sort === "name" ? "asc" : "desc")) === "desc";
  const keys =
    sort === "name"
      ? nameColumns.map((column) => ({ column, type: "text" as const }))
      : [
          {
            column: sort === "created" ? table.createdAt : table.updatedAt,
            type: "timestamptz" as const,
          },
        ];
  return { name: sort, keys, id: table.id, descending };
}

/** Joins conditions, skipping the absent ones. */
export function allOf(conditions: (SQL | undefined)[]): SQL | undefined {
  return and(...conditions);
}

// The caller's zone, else the organisation's: users and organisations are visible to the
// runtime role only for the claimed user and organisation.
const ZONE = sql`coalesce(
  (select u.timezone from users u where u.id = ${currentUserId}),
  (select o.timezone from organisations o where o.id = ${currentOrgId}),
  'UTC')`;

/** The moment the day `date` (+ `plusDays`) starts in the caller's zone. */
function startOfDay(date: string, plusDays: number): SQL {
  return sql`((${date}::date + ${plusDays}::int)::timestamp at time zone ${ZONE})`;
}

/** A value equals `value` (numbers and booleans as their JSON text), or a list contains it. */
function customEquals(table: RecordTable, key: string, value: string): SQL {
  return sql`(${table.custom} ->> ${key} = ${value}
    or (jsonb_typeof(${table.custom} -> ${key}) = 'array' and ${table.custom} -> ${key} ? ${value}))`;
}

function groupCustomFilters(input: unknown): unknown {
  if (typeof input !== "object" || input === null) return input;
  const rest: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (name.startsWith(CUSTOM_PREFIX)) custom[name.slice(CUSTOM_PREFIX.length)] = value;
    else rest[name] = value;
  }
  return Object.keys(custom).length > 0 ? { ...rest, custom } : rest;
}
