/**
 * Guards: conditions checked inside a write batch, so that what was checked is still true when
 * the change lands (the batch is one transaction). A failing guard raises SQLSTATE GC000 with the
 * AppError to answer; `checked` turns it back into that error.
 *
 * @example
 *   await checked(asMember(c, "member", (db) => [
 *     guard(db, sql`exists (select 1 from deals where id = ${id})`, "NOT_FOUND"),
 *     db.update(deals)...,
 *   ]));
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/tenant.ts";
import { AppError, type ErrorCode, type FieldIssue } from "../lib/errors.ts";

const GUARD_STATE = "GC000";

/** A statement that aborts the batch with `code` (and `details`) unless `condition` holds. */
export function guard(db: Db, condition: SQL, code: ErrorCode, details?: FieldIssue[]) {
  const failure = JSON.stringify({ code, details });
  return db.execute(sql`select gallo_assert(${condition}, ${GUARD_STATE}, ${failure})`);
}

/**
 * An UPDATE (or DELETE) of one record that must hit exactly one row: `0 rows` aborts the batch with
 * NOT_FOUND when the record is gone (or trashed) and VERSION_CONFLICT when it is there with another
 * version. `change` is the statement with its RETURNING clause; `exists` says whether the record
 * is there at all (evaluated on the snapshot before the change).
 */
export function guardOneRow(db: Db, { change, exists }: { change: SQL; exists: SQL }) {
  const notFound = JSON.stringify({ code: "NOT_FOUND" });
  const conflict = JSON.stringify({ code: "VERSION_CONFLICT" });
  return db.execute(sql`
    with changed as (${change})
    select gallo_assert(
             (select count(*) from changed) = 1,
             ${GUARD_STATE},
             case when ${exists} then ${conflict} else ${notFound} end)`);
}

/** Awaits a batch and turns a failed guard into its AppError; other failures pass through. */
export async function checked<T>(batch: Promise<T>): Promise<T> {
  try {
    return await batch;
  } catch (error) {
    const failure = guardFailure(error);
    if (failure) throw new AppError(failure.code, { details: failure.details, cause: error });
    throw error;
  }
}

function guardFailure(error: unknown): { code: ErrorCode; details?: FieldIssue[] } | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === GUARD_STATE) {
      return JSON.parse(e.message) as { code: ErrorCode; details?: FieldIssue[] };
    }
  }
  return undefined;
}
