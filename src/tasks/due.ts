/**
 * "Today", "overdue" and "upcoming" in the caller's time zone, computed in SQL so the database's
 * clock and the zone rules (daylight saving included) decide, never the Worker's UTC:
 * - the zone is the user's (`users.timezone`), else the organisation's;
 * - today is `(now() at time zone zone)::date`;
 * - a task's day is its due date as stored (a date has no zone, so it never shifts), or the
 *   local date of its due time (23:30 in São Paulo is 02:30 UTC the next day, and still today).
 */
import { type SQL, sql } from "drizzle-orm";
import { currentOrgId, currentUserId, tasks } from "../../drizzle/schema.ts";

// Users and organisations are visible to the runtime role only for the claimed user and
// organisation, so these read the caller's own rows.
const zone = sql`coalesce(
  (select u.timezone from users u where u.id = ${currentUserId}),
  (select o.timezone from organisations o where o.id = ${currentOrgId}),
  'UTC')`;

/** Today's date where the caller is. */
export const today: SQL = sql`(now() at time zone ${zone})::date`;

/** The local calendar day a task is due, or null when it has no due date or time. */
export const dueDay: SQL = sql`coalesce(${tasks.dueDate}, (${tasks.dueAt} at time zone ${zone})::date)`;

/**
 * The moment a task is due, for sorting: its due time, else the start of its due date in the
 * caller's zone; tasks without either sort last.
 */
export const dueMoment: SQL = sql`coalesce(
  ${tasks.dueAt},
  (${tasks.dueDate}::timestamp at time zone ${zone}),
  'infinity'::timestamptz)`;

export const VIEWS = ["today", "overdue", "upcoming"] as const;
export type View = (typeof VIEWS)[number];

/** Open tasks due today, before today, or after today (where the caller is). */
export function inView(view: View): SQL {
  const comparison = { today: sql`=`, overdue: sql`<`, upcoming: sql`>` }[view];
  return sql`${tasks.doneAt} is null and ${dueDay} ${comparison} ${today}`;
}

/** True for an open task due before today where the caller is. */
export const isOverdue: SQL<boolean> = sql<boolean>`(${tasks.doneAt} is null and coalesce(${dueDay} < ${today}, false))`;
