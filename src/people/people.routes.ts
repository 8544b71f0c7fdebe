/**
 * People API: list (filters, sort, keyset pages, total), create, read, update (version check),
 * trash and restore, timeline. Writes read what validation needs first (region, custom field
 * definitions, the current version), then write in one batch with the timeline entry.
 */
import { Hono } from "hono";
import { people } from "../../drizzle/schema.ts";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { phoneView } from "../lib/phone.ts";
import { Issues } from "../records/issues.ts";
import { decodeCursor, pageOf } from "../records/list-page.ts";
import { sortSpec } from "../records/list-query.ts";
import { changesOf, initialValues } from "../records/normalise.ts";
import { recordIdParam } from "../records/record.schema.ts";
import { one } from "../records/rows.ts";
import { TIMELINE_SORT, timelineQueries, timelineQuery } from "../records/timeline-list.ts";
import { readWriteContext, writeContextQueries } from "../records/write-context.ts";
import { personFields } from "./people.input.ts";
import {
  createPerson,
  findPersonById,
  listPeople,
  PERSON_NAME_COLUMNS,
  restorePerson,
  trashPerson,
  updatePerson,
} from "./people.queries.ts";
import { createPersonBody, listPeopleQuery, updatePersonBody } from "./people.schema.ts";

export const peopleRoutes = new Hono<AppEnv>();
peopleRoutes.use(requireSession);

peopleRoutes.get("/", validate("query", listPeopleQuery), async (c) => {
  const { limit, cursor, sort, order, ...filters } = c.req.valid("query");
  const spec = sortSpec(people, PERSON_NAME_COLUMNS, sort, order);
  const after = decodeCursor(spec, cursor);

  const [rows, [count]] = await asMember(c, "viewer", (db, { orgId }) =>
    listPeople({ db, orgId, filters, sort: spec, cursor: after, limit }),
  );

  const page = pageOf(rows, limit, spec);
  return c.json({ data: page.data.map(present), nextCursor: page.nextCursor, total: count?.total });
});

peopleRoutes.post("/", validate("json", createPersonBody), async (c) => {
  const body = c.req.valid("json");
  const issues = new Issues(c.get("locale"));
  const actorId = c.get("session")?.userId;
  if (!actorId) throw new AppError("UNAUTHENTICATED");
  const refs = { ...body, ownerId: body.ownerId === undefined ? actorId : body.ownerId };

  const context = await asMember(c, "member", (db, { orgId }) =>
    writeContextQueries(db, orgId, "person", refs),
  );

  const fields = personFields(refs, readWriteContext(context, refs, issues), issues);
  issues.throwIfAny();

  const id = newId();
  const [rows] = await asMember(c, "member", (db, { orgId, userId }) =>
    createPerson({
      db,
      orgId,
      actorId: userId,
      id,
      fields: { firstName: body.firstName, ...fields },
      changes: initialValues(fields),
    }),
  );

  return c.json({ data: present(one(rows)) }, 201);
});

peopleRoutes.get("/:id", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [rows] = await asMember(c, "viewer", (db, { orgId }) => [
    findPersonById({ db, orgId, id }),
  ]);

  return c.json({ data: present(one(rows)) });
});

peopleRoutes.patch(
  "/:id",
  validate("param", recordIdParam),
  validate("json", updatePersonBody),
  async (c) => {
    const { id } = c.req.valid("param");
    const { version, ...body } = c.req.valid("json");
    const issues = new Issues(c.get("locale"));

    const [region, definitions, tags, owner, company, found] = await asMember(
      c,
      "member",
      (db, { orgId }) => [
        ...writeContextQueries(db, orgId, "person", body),
        findPersonById({ db, orgId, id }),
      ],
    );

    const current = one(found);
    if (current.version !== version) throw new AppError("VERSION_CONFLICT");
    const context = readWriteContext([region, definitions, tags, owner, company], body, issues);
    const fields = personFields(body, context, issues, current);
    issues.throwIfAny();
    const changes = changesOf(current, fields);
    if (Object.keys(changes).length === 0) return c.json({ data: present(current) });

    const [changed, after] = await asMember(c, "member", (db, { orgId, userId }) =>
      updatePerson({ db, orgId, actorId: userId, id, version, fields, changes }),
    );

    if (changed.rows.length === 0) {
      throw new AppError(after.length > 0 ? "VERSION_CONFLICT" : "NOT_FOUND");
    }
    return c.json({ data: present(one(after)) });
  },
);

peopleRoutes.delete("/:id", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [trashed] = await asMember(c, "member", (db, { orgId, userId }) => [
    trashPerson({ db, orgId, actorId: userId, id }),
  ]);

  if (trashed.rows.length === 0) throw new AppError("NOT_FOUND");
  return c.body(null, 204);
});

peopleRoutes.post("/:id/restore", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [restored, after] = await asMember(c, "member", (db, { orgId, userId }) =>
    restorePerson({ db, orgId, actorId: userId, id }),
  );

  if (restored.rows.length === 0) throw new AppError("NOT_FOUND");
  return c.json({ data: present(one(after)) });
});

peopleRoutes.get(
  "/:id/timeline",
  validate("param", recordIdParam),
  validate("query", timelineQuery),
  async (c) => {
    const { id } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    const after = decodeCursor(TIMELINE_SORT, cursor);

    const [found, events, [count]] = await asMember(c, "viewer", (db, { orgId }) => [
      findPersonById({ db, orgId, id }),
      ...timelineQueries(db, { orgId, recordType: "person", recordId: id, limit, cursor: after }),
    ]);

    one(found);
    const page = pageOf(events, limit, TIMELINE_SORT);
    return c.json({ ...page, total: count?.total });
  },
);

/** A person as the API shows them: phones with their display forms. */
function present<Row extends { phones: string[] }>(row: Row) {
  return { ...row, phones: row.phones.map(phoneView) };
}
