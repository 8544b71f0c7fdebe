import { z } from "zod";

/** A day (`2026-03-01`, read as UTC) or a moment with its offset (`2026-03-01T09:30:00-03:00`). */
const moment = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: "Use a date (2026-03-01) or a date and time with its offset.",
});

/** Filters shared by the list and the CSV export. Strict: unknown parameters are refused. */
const filterFields = {
  /** Entries by this user. */
  actorUserId: z.uuid({ error: "Not a user id." }).optional(),
  /** Exactly this action, e.g. `member.role_changed`. */
  action: z
    .string()
    .regex(/^[a-z0-9_.]{1,100}$/, { error: "Not an action name." })
    .optional(),
  targetType: z.string().trim().min(1).max(50).optional(),
  targetId: z.string().trim().min(1).max(200).optional(),
  /** From this moment on; a day means from its start (UTC). */
  from: moment.optional(),
  /** Before this moment; a day means up to its end (UTC), so `from=to=` a day is that day. */
  to: moment.optional(),
};

const orderedRange = (query: { from?: string; to?: string }) =>
  !query.from || !query.to || startOf(query.from) < endOf(query.to);
const rangeError = { error: "`from` must be before `to`.", path: ["from"] };

export const auditFilterQuery = z.strictObject(filterFields).refine(orderedRange, rangeError);

export const listAuditQuery = z
  .strictObject({
    ...filterFields,
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The `nextCursor` of the previous page. */
    cursor: z
      .string()
      .regex(/^[1-9][0-9]{0,15}$/, { error: "Not a valid cursor." })
      .transform(Number)
      .optional(),
  })
  .refine(orderedRange, rangeError);

export type AuditFilter = z.infer<typeof auditFilterQuery>;

/** The first instant `value` covers. */
export function startOf(value: string): Date {
  return new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
}

/** The instant just after `value`: the next day's start for a day, else the moment itself. */
export function endOf(value: string): Date {
  const start = startOf(value);
  if (value.length === 10) start.setUTCDate(start.getUTCDate() + 1);
  return start;
}
