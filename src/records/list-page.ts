/**
 * Keyset pagination: a page ends at a row, and the next page starts strictly after that row's
 * sort key, so pages never skip or repeat rows while others write. The cursor is opaque to
 * clients (base64url JSON) and remembers which sort it belongs to.
 *
 * Sort keys are read back from the database as text (`created_at::text` keeps microseconds, which
 * a JavaScript Date would drop) and compared as a row: `(a, b, id) > ($a, $b, $id)`.
 */
import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { AppError } from "../lib/errors.ts";
import { isUuid } from "../lib/ids.ts";

/** One sort: its key columns (with their SQL types), ending with a unique id as tiebreaker. */
export type SortSpec = {
  name: string;
  keys: { column: AnyPgColumn | SQL; type: "text" | "integer" | "timestamptz" }[];
  id: AnyPgColumn | SQL;
  descending: boolean;
};

export type Cursor = { key: string[]; id: string };

/** The selection field to add to a list query: the row's sort key as text. */
export function sortKeyOf(spec: SortSpec): SQL<string[]> {
  const parts = spec.keys.map((k) => sql`${k.column}::text`);
  return sql<string[]>`array[${sql.join(parts, sql`, `)}]::text[]`;
}

/** The WHERE condition for rows after `cursor` in `spec`'s order; undefined on the first page. */
export function after(spec: SortSpec, cursor: Cursor | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const columns = [...spec.keys.map((k) => k.column), spec.id];
  const values = [
    ...spec.keys.map((k, i) => sql`${cursor.key[i] ?? ""}::${sql.raw(k.type)}`),
    sql`${cursor.id}::uuid`,
  ];
  const op = spec.descending ? sql`<` : sql`>`;
  return sql`(${sql.join(columns, sql`, `)}) ${op} (${sql.join(values, sql`, `)})`;
}

/** ORDER BY for `spec`: every key, then the id, in one direction. */
export function orderOf(spec: SortSpec): SQL[] {
  const direction = spec.descending ? sql`desc` : sql`asc`;
  return [...spec.keys.map((k) => sql`${k.column} ${direction}`), sql`${spec.id} ${direction}`];
}

/**
 * The page of a query that fetched `limit + 1` rows: its rows (without their sort key) and the
 * cursor of the next page, or null on the last one.
 */
export function pageOf<Row extends { id: string; sortKey: string[] }>(
  rows: Row[],
  limit: number,
  spec: SortSpec,
): { data: Omit<Row, "sortKey">[]; nextCursor: string | null } {
  const data = rows.slice(0, limit).map(({ sortKey: _, ...row }) => row);
  const last = rows[limit - 1];
  const nextCursor =
    rows.length > limit && last ? encodeCursor(spec, { key: last.sortKey, id: last.id }) : null;
  return { data, nextCursor };
}

export function encodeCursor(spec: SortSpec, cursor: Cursor): string {
  const json = JSON.stringify({ s: cursorSort(spec), k: cursor.key, i: cursor.id });
  return btoa(String.fromCharCode(...new TextEncoder().encode(json)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** Reads a cursor made by `encodeCursor` for the same sort; anything else is a 400 on `cursor`. */
export function decodeCursor(spec: SortSpec, raw: string | undefined): Cursor | undefined {
  if (raw === undefined) return undefined;
  const invalid = () =>
    new AppError("VALIDATION_FAILED", {
      details: [{ path: "cursor", message: "Not a cursor of this list and sort order." }],
    });
  let parsed: unknown;
  try {
    const base64 = raw.replaceAll("-", "+").replaceAll("_", "/");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw invalid();
  }
  const { s, k, i } = (parsed ?? {}) as { s?: unknown; k?: unknown; i?: unknown };
  const keyOk =
    Array.isArray(k) && k.length === spec.keys.length && k.every((v) => typeof v === "string");
  if (s !== cursorSort(spec) || !keyOk || typeof i !== "string" || !isUuid(i)) throw invalid();
  return { key: k as string[], id: i };
}

function cursorSort(spec: SortSpec): string {
  return `${spec.name}:${spec.descending ? "desc" : "asc"}`;
}
