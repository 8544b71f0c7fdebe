/**
 * Deals API: list (filters, sort, keyset pages, total), create, read with people, company, stage
 * history and timeline (one round trip), update and move between stages (version check), trash
 * and restore, timeline. Writes read what validation needs first, then write in one batch with
 * their stage history and timeline entries.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { pickDisplayLocale } from "../lib/display-locale.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { checked } from "../records/guards.ts";
import { Issues } from "../records/issues.ts";
import { decodeCursor, pageOf } from "../records/list-page.ts";
import { initialValues } from "../records/normalise.ts";
import { recordIdParam } from "../records/record.schema.ts";
import { one } from "../records/rows.ts";
import { TIMELINE_SORT, timelineQueries, timelineQuery } from "../records/timeline-list.ts";
import { readWriteContext, writeContextQueries } from "../records/write-context.ts";
import { dealChange, peopleFoundQuery, stageChoiceQuery } from "./deals.input.ts";
import { presentDeal, withStageSpans } from "./deals.present.ts";
import {
  createDeal,
  type DealFields,
  dealRelations,
  dealSort,
  findDealById,
  listDeals,
  restoreDeal,
  trashDeal,
  updateDeal,
} from "./deals.queries.ts";
import {
  createDealBody,
  listDealsQuery,
  moveDealBody,
  type UpdateDealBody,
  updateDealBody,
} from "./deals.schema.ts";

type Ctx = Context<AppEnv>;

export const dealRoutes = new Hono<AppEnv>();
dealRoutes.use(requireSession);

dealRoutes.get("/", validate("query", listDealsQuery), async (c) => {
  const { limit, cursor, sort, order, ...filters } = c.req.valid("query");
  const spec = dealSort(sort, order);
  const after = decodeCursor(spec, cursor);

  const [rows, [counted]] = await asMember(c, "viewer", (db, { orgId }) =>
    listDeals({ db, orgId, filters, sort: spec, cursor: after, limit }),
  );

  const page = pageOf(rows, limit, spec);
  const locale = displayLocale(c);
  return c.json({
    data: page.data.map((deal) => presentDeal(deal, locale)),
    nextCursor: page.nextCursor,
    total: counted?.total ?? 0,
  });
});

dealRoutes.post("/", validate("json", createDealBody), async (c) => {
  const body = c.req.valid("json");
  const issues = new Issues(c.get("locale"));
  const actorId = c.get("session")?.userId ?? "";
  const refs = { ...body, ownerId: body.ownerId === undefined ? actorId : body.ownerId };

  const [region, definitions, tags, owner, company, [stage], peopleFound] = await asMember(
    c,
    "member",
    (db, { orgId }) => [
      ...writeContextQueries(db, orgId, "deal", refs),
      stageChoiceQuery(db, orgId, body, true),
      peopleFoundQuery(db, orgId, body.personIds),
    ],
  );

  const context = readWriteContext([region, definitions, tags, owner, company], refs, issues);
  const { fields } = dealChange({ body: refs, context, stage, peopleFound }, issues);
  issues.throwIfAny();

  const id = newId();
  const [, , , , [deal]] = await asMember(c, "member", (db, { orgId, userId }) =>
    createDeal({
      db,
      orgId,
      actorId: userId,
      id,
      fields: fields as DealFields,
      personIds: body.personIds ?? [],
      changes: initialValues({ ...fields, personIds: body.personIds ?? [] }),
    }),
  );

  return c.json({ data: presentDeal(one(deal ? [deal] : []), displayLocale(c)) }, 201);
});

dealRoutes.get("/:id", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  // One round trip: the deal, its relations and the first page of its timeline, in one batch.
  const [found, people, [company], history, events, [counted]] = await asMember(
    c,
    "viewer",
    (db, { orgId }) => [
      findDealById({ db, orgId, id }),
      ...dealRelations({ db, orgId, id }),
      ...timelineQueries(db, {
        orgId,
        recordType: "deal",
        recordId: id,
        limit: 50,
        cursor: undefined,
      }),
    ],
  );

  const deal = one(found);
  return c.json({
    data: {
      ...presentDeal(deal, displayLocale(c)),
      people,
      company: company ?? null,
      stageHistory: withStageSpans(history),
      timeline: { ...pageOf(events, 50, TIMELINE_SORT), total: counted?.total ?? 0 },
    },
  });
});

dealRoutes.patch(
  "/:id",
  validate("param", recordIdParam),
  validate("json", updateDealBody),
  async (c) => {
    const { id } = c.req.valid("param");
    const { version, ...body } = c.req.valid("json");
    return c.json({ data: await changeDeal(c, id, version, body) });
  },
);

dealRoutes.post(
  "/:id/move",
  validate("param", recordIdParam),
  validate("json", moveDealBody),
  async (c) => {
    const { id } = c.req.valid("param");
    const { version, ...body } = c.req.valid("json");
    return c.json({ data: await changeDeal(c, id, version, body) });
  },
);

dealRoutes.delete("/:id", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [trashed] = await asMember(c, "member", (db, { orgId, userId }) => [
    trashDeal({ db, orgId, actorId: userId, id }),
  ]);

  if (trashed.rows.length === 0) throw new AppError("NOT_FOUND");
  return c.body(null, 204);
});

dealRoutes.post("/:id/restore", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [restored, after] = await asMember(c, "member", (db, { orgId, userId }) =>
    restoreDeal({ db, orgId, actorId: userId, id }),
  );

  if (restored.rows.length === 0) throw new AppError("NOT_FOUND");
  return c.json({ data: presentDeal(one(after), displayLocale(c)) });
});

dealRoutes.get(
  "/:id/timeline",
  validate("param", recordIdParam),
  validate("query", timelineQuery),
  async (c) => {
    const { id } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    const after = decodeCursor(TIMELINE_SORT, cursor);

    const [found, events, [counted]] = await asMember(c, "viewer", (db, { orgId }) => [
      findDealById({ db, orgId, id }),
      ...timelineQueries(db, { orgId, recordType: "deal", recordId: id, limit, cursor: after }),
    ]);

    one(found);
    return c.json({ ...pageOf(events, limit, TIMELINE_SORT), total: counted?.total ?? 0 });
  },
);

/** PATCH and move: validate against the deal as it is, then write if anything changes. */
async function changeDeal(c: Ctx, id: string, version: number, body: UpdateDealBody) {
  const issues = new Issues(c.get("locale"));

  const [region, definitions, tags, owner, company, [stage], peopleFound, found] = await asMember(
    c,
    "member",
    (db, { orgId }) => [
      ...writeContextQueries(db, orgId, "deal", body),
      stageChoiceQuery(db, orgId, body, false),
      peopleFoundQuery(db, orgId, body.personIds),
      findDealById({ db, orgId, id }),
    ],
  );

  const current = one(found);
  if (current.version !== version) throw new AppError("VERSION_CONFLICT");
  const context = readWriteContext([region, definitions, tags, owner, company], body, issues);
  const change = dealChange({ body, context, stage, peopleFound, current }, issues);
  issues.throwIfAny();
  const locale = displayLocale(c);
  if (Object.keys(change.changes).length === 0 && !change.move) return presentDeal(current, locale);

  const [, , , , , , [deal]] = await checked(
    asMember(c, "member", (db, { orgId, userId }) =>
      updateDeal({ db, orgId, actorId: userId, id, version, ...change }),
    ),
  );
  return presentDeal(one(deal ? [deal] : []), locale);
}

function displayLocale(c: Ctx) {
  return pickDisplayLocale(c.req.header("accept-language"));
}
