/**
 * Tasks API: calls, meetings, emails and to-dos, due on a date or at a time, assigned to a member,
 * optionally on a company, person or deal (whose timeline notes them). Lists answer the views
 * today, overdue and upcoming in the caller's time zone (see due.ts), with filters, keyset pages
 * and totals.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { formatDate } from "../lib/dates.ts";
import { pickDisplayLocale } from "../lib/display-locale.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { checked } from "../records/guards.ts";
import { Issues } from "../records/issues.ts";
import { linkedRecordQuery } from "../records/linked-record.ts";
import { decodeCursor, pageOf } from "../records/list-page.ts";
import { recordIdParam } from "../records/record.schema.ts";
import { one } from "../records/rows.ts";
import { taskChange } from "./tasks.input.ts";
import {
  createTask,
  findTaskById,
  listTasks,
  memberQuery,
  restoreTask,
  type TaskFields,
  taskSort,
  trashTask,
  updateTask,
} from "./tasks.queries.ts";
import { createTaskBody, listTasksQuery, updateTaskBody } from "./tasks.schema.ts";

type Ctx = Context<AppEnv>;

export const taskRoutes = new Hono<AppEnv>();
taskRoutes.use(requireSession);

taskRoutes.get("/", validate("query", listTasksQuery), async (c) => {
  const { limit, cursor, sort, order, assignee, ...filters } = c.req.valid("query");
  const spec = taskSort(sort, order);
  const after = decodeCursor(spec, cursor);
  const assigneeId = assigneeOf(c, assignee, filters);

  const [rows, [counted]] = await asMember(c, "viewer", (db, { orgId }) =>
    listTasks({ db, orgId, filters: { ...filters, assigneeId }, sort: spec, cursor: after, limit }),
  );

  const page = pageOf(rows, limit, spec);
  const show = presenter(c);
  return c.json({ ...page, data: page.data.map(show), total: counted?.total ?? 0 });
});

taskRoutes.post("/", validate("json", createTaskBody), async (c) => {
  const body = c.req.valid("json");
  const issues = new Issues(c.get("locale"));
  const assigneeId = body.assigneeId === undefined ? userIdOf(c) : body.assigneeId;

  const [assigneeFound, recordFound] = await asMember(c, "member", (db, { orgId }) => [
    memberQuery(db, orgId, assigneeId),
    linkedRecordQuery(db, orgId, linkOf(body)),
  ]);

  const { fields } = taskChange(
    { body: { ...body, assigneeId }, assigneeFound, recordFound },
    issues,
  );
  issues.throwIfAny();

  const id = newId();
  const [, , [task]] = await asMember(c, "member", (db, { orgId, userId }) =>
    createTask({ db, orgId, actorId: userId, id, fields: fields as TaskFields }),
  );

  return c.json({ data: presenter(c)(one(task ? [task] : [])) }, 201);
});

taskRoutes.get("/:id", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [found] = await asMember(c, "viewer", (db, { orgId }) => [findTaskById({ db, orgId, id })]);

  return c.json({ data: presenter(c)(one(found)) });
});

taskRoutes.patch(
  "/:id",
  validate("param", recordIdParam),
  validate("json", updateTaskBody),
  async (c) => {
    const { id } = c.req.valid("param");
    const { version, ...body } = c.req.valid("json");
    const issues = new Issues(c.get("locale"));

    const [assigneeFound, recordFound, found] = await asMember(c, "member", (db, { orgId }) => [
      memberQuery(db, orgId, body.assigneeId),
      linkedRecordQuery(db, orgId, linkOf(body)),
      findTaskById({ db, orgId, id }),
    ]);

    const current = one(found);
    if (current.version !== version) throw new AppError("VERSION_CONFLICT");
    const { fields, changes } = taskChange({ body, assigneeFound, recordFound, current }, issues);
    issues.throwIfAny();
    if (Object.keys(changes).length === 0) return c.json({ data: presenter(c)(current) });

    const [, , [task]] = await checked(
      asMember(c, "member", (db, { orgId, userId }) =>
        updateTask({ db, orgId, actorId: userId, id, version, fields, changes }),
      ),
    );

    return c.json({ data: presenter(c)(one(task ? [task] : [])) });
  },
);

taskRoutes.delete("/:id", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  await checked(
    asMember(c, "member", (db, { orgId, userId }) => trashTask({ db, orgId, actorId: userId, id })),
  );

  return c.body(null, 204);
});

taskRoutes.post("/:id/restore", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [, , found] = await checked(
    asMember(c, "member", (db, { orgId, userId }) =>
      restoreTask({ db, orgId, actorId: userId, id }),
    ),
  );

  return c.json({ data: presenter(c)(one(found)) });
});

/** A task as the API shows it: with its due date formatted for the reader (20/02/2026). */
function presenter(c: Ctx) {
  const locale = pickDisplayLocale(c.req.header("accept-language"));
  return <Row extends { dueDate: string | null }>(row: Row) => ({
    ...row,
    dueDateFormatted: row.dueDate ? formatDate(row.dueDate, locale) : null,
  });
}

/**
 * Whose tasks a list shows: a user named, everyone's, or the caller's. Without `assignee`, a view
 * (today, overdue, upcoming) shows the caller's, as "my day" does; other lists show everyone's.
 */
function assigneeOf(
  c: Ctx,
  assignee: string | undefined,
  filters: { view?: string; recordId?: string },
): string | undefined {
  if (assignee === "anyone") return undefined;
  if (assignee === "me") return userIdOf(c);
  if (assignee) return assignee;
  return filters.view && !filters.recordId ? userIdOf(c) : undefined;
}

function linkOf(body: { recordType?: "company" | "person" | "deal"; recordId?: string }) {
  return body.recordType && body.recordId
    ? { recordType: body.recordType, recordId: body.recordId }
    : undefined;
}

function userIdOf(c: Ctx): string {
  const session = c.get("session");
  if (!session) throw new AppError("UNAUTHENTICATED");
  return session.userId;
}
