/**
 * The trash: a deleted record keeps its row with `deleted_at` set, is invisible to normal routes,
 * can be restored for 30 days, and is then purged by the nightly job (gallo_purge_trash).
 */
import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

export const TRASH_DAYS = 30;

/** True for rows trashed recently enough to be restored (and listed in the trash). */
export function restorable(deletedAt: AnyPgColumn): SQL {
  return sql`${deletedAt} > now() - make_interval(days => ${TRASH_DAYS})`;
}
