/** Request shapes of the tasks API. Strict: unknown fields are refused, never dropped. */
import { z } from "zod";
import { RECORD_TYPES, TASK_KINDS } from "../../drizzle/schema.ts";
import { isCalendarDate } from "../lib/dates.ts";
import { changesSomething, versionBody } from "../records/record.schema.ts";
import { VIEWS } from "./due.ts";

const day = z.string().refine(isCalendarDate, { error: "Expected a date as YYYY-MM-DD." });
const ONE_DUE = "Send a due date or a due time, not both.";
const BOTH_OR_NEITHER = "Send recordType and recordId together.";

const fields = {
  kind: z.enum(TASK_KINDS).optional(),
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(10_000).nullable().optional(),
  /** A day (`2026-02-20`): the same day wherever the team is. */
  dueDate: day.nullable().optional(),
  /** A moment with its offset (`2026-02-20T23:30:00-03:00`). */
  dueAt: z.iso
    .datetime({ offset: true, error: "Expected a date and time with its offset." })
    .nullable()
    .optional(),
  /** A member of the organisation; by default whoever creates the task. */
  assigneeId: z.uuid({ error: "Not a user id." }).nullable().optional(),
  done: z.boolean().optional(),
  recordType: z.enum(RECORD_TYPES).optional(),
  recordId: z.uuid({ error: "Not a record id." }).optional(),
};

type Shape = {
  dueDate?: string | null;
  dueAt?: string | null;
  recordType?: string;
  recordId?: string;
};
const oneDue = (body: Shape) => !(body.dueDate && body.dueAt);
const linkedTogether = (body: Shape) =>
  (body.recordType === undefined) === (body.recordId === undefined);

export const createTaskBody = z
  .strictObject(fields)
  .refine(oneDue, { error: ONE_DUE, path: ["dueAt"] })
  .refine(linkedTogether, { error: BOTH_OR_NEITHER, path: ["recordId"] });

export const updateTaskBody = z
  .strictObject({ ...fields, title: fields.title.optional(), version: versionBody })
  .refine(changesSomething, { error: "Send at least one field to change." })
  .refine(oneDue, { error: ONE_DUE, path: ["dueAt"] })
  .refine(linkedTogether, { error: BOTH_OR_NEITHER, path: ["recordId"] });

export const TASK_SORTS = ["due", "created"] as const;

export const listTasksQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(2000).optional(),
    sort: z.enum(TASK_SORTS).default("due"),
    order: z.enum(["asc", "desc"]).optional(),
    /** today, overdue or upcoming: open tasks by their due day where the caller is. */
    view: z.enum(VIEWS).optional(),
    /** A user id, `me`, or `anyone`. Default: `me` for a view, else `anyone`. */
    assignee: z
      .union([z.uuid(), z.enum(["me", "anyone"])], { error: "Use a user id, me or anyone." })
      .optional(),
    done: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional(),
    kind: z.enum(TASK_KINDS).optional(),
    recordType: z.enum(RECORD_TYPES).optional(),
    recordId: z.uuid({ error: "Not a record id." }).optional(),
    /** Due on or after / on or before this day, where the caller is. */
    dueFrom: day.optional(),
    dueTo: day.optional(),
  })
  .refine(linkedTogether, { error: BOTH_OR_NEITHER, path: ["recordId"] });

export type CreateTaskBody = z.infer<typeof createTaskBody>;
export type UpdateTaskBody = Omit<z.infer<typeof updateTaskBody>, "version">;
export type ListTasksQuery = z.infer<typeof listTasksQuery>;
