/**
 * Pipelines API: everyone reads pipelines and their stages and the per-stage summary; admins and
 * owners create, rename, reorder and delete them (src/pipelines/stages.routes.ts edits stages).
 */
import { and, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { pipelines } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { pickDisplayLocale } from "../lib/display-locale.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { checked, guard } from "../records/guards.ts";
import type { Message } from "../records/issues.ts";
import { decodeCursor, pageOf } from "../records/list-page.ts";
import {
  createPipeline,
  dealsIn,
  findPipelineById,
  listPipelines,
  makeDefault,
  PIPELINE_ORDER,
  pipelineMustExist,
} from "./pipelines.queries.ts";
import {
  createPipelineBody,
  listPipelinesQuery,
  pipelineIdParam,
  updatePipelineBody,
} from "./pipelines.schema.ts";
import { stageRoutes } from "./stages.routes.ts";
import { pipelineSummary, summaryQueries } from "./summary.ts";

const DEFAULT_PIPELINE_STAYS: Message = {
  en: "The default pipeline cannot be deleted: make another one the default first.",
  "pt-BR": "O funil padrão não pode ser excluído: torne outro funil o padrão antes.",
};

export const pipelineRoutes = new Hono<AppEnv>();
pipelineRoutes.use(requireSession);

pipelineRoutes.get("/", validate("query", listPipelinesQuery), async (c) => {
  const { limit, cursor: raw } = c.req.valid("query");
  const cursor = decodeCursor(PIPELINE_ORDER, raw);

  const [rows, [counted]] = await asMember(c, "viewer", (db, { orgId }) =>
    listPipelines({ db, orgId, limit, cursor }),
  );

  return c.json({ ...pageOf(rows, limit, PIPELINE_ORDER), total: counted?.total ?? 0 });
});

pipelineRoutes.post("/", validate("json", createPipelineBody), async (c) => {
  const body = c.req.valid("json");
  const id = newId();

  const [, , , [pipeline]] = await asMember(c, "admin", (db, { orgId, userId }) => [
    ...createPipeline({ db, orgId, id, name: body.name, stageBodies: body.stages }),
    makeDefault({ db, orgId, id, when: body.isDefault === true }),
    findPipelineById({ db, orgId, id }),
    auditEntry(db, c, {
      orgId,
      actorUserId: userId,
      action: "pipeline.created",
      targetType: "pipeline",
      targetId: id,
    }),
  ]);

  return c.json({ data: pipeline }, 201);
});

pipelineRoutes.get("/:id", validate("param", pipelineIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [[pipeline]] = await asMember(c, "viewer", (db, { orgId }) => [
    findPipelineById({ db, orgId, id }),
  ]);

  if (!pipeline) throw new AppError("NOT_FOUND");
  return c.json({ data: pipeline });
});

pipelineRoutes.get("/:id/summary", validate("param", pipelineIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [found, totals] = await asMember(c, "viewer", (db, { orgId }) =>
    summaryQueries({ db, orgId, id }),
  );

  const pipeline = found[0];
  if (!pipeline) throw new AppError("NOT_FOUND");
  const locale = pickDisplayLocale(c.req.header("accept-language"));
  return c.json({ data: pipelineSummary(pipeline, totals, locale) });
});

pipelineRoutes.patch(
  "/:id",
  validate("param", pipelineIdParam),
  validate("json", updatePipelineBody),
  async (c) => {
    const { id } = c.req.valid("param");
    const { isDefault, ...fields } = c.req.valid("json");

    const [, , , [pipeline]] = await checked(
      asMember(c, "admin", (db, { orgId, userId }) => [
        pipelineMustExist({ db, orgId, id }),
        db
          .update(pipelines)
          .set({ ...fields, updatedAt: sql`now()` })
          .where(and(eq(pipelines.orgId, orgId), eq(pipelines.id, id))),
        makeDefault({ db, orgId, id, when: isDefault === true }),
        findPipelineById({ db, orgId, id }),
        auditEntry(db, c, {
          orgId,
          actorUserId: userId,
          action: "pipeline.updated",
          targetType: "pipeline",
          targetId: id,
          summary: { ...fields, ...(isDefault ? { isDefault } : {}) },
        }),
      ]),
    );

    return c.json({ data: pipeline });
  },
);

pipelineRoutes.delete("/:id", validate("param", pipelineIdParam), async (c) => {
  const { id } = c.req.valid("param");

  await checked(
    asMember(c, "admin", (db, { orgId, userId }) => [
      pipelineMustExist({ db, orgId, id }),
      guard(
        db,
        sql`not exists (select 1 from ${pipelines}
                         where org_id = ${orgId} and id = ${id} and is_default)`,
        "VALIDATION_FAILED",
        [{ path: "id", message: DEFAULT_PIPELINE_STAYS[c.get("locale")] }],
      ),
      guard(db, sql`not ${dealsIn({ orgId, pipelineId: id })}`, "PIPELINE_HAS_DEALS"),
      // Its stages go with it (foreign key on delete cascade).
      db.delete(pipelines).where(and(eq(pipelines.orgId, orgId), eq(pipelines.id, id))),
      auditEntry(db, c, {
        orgId,
        actorUserId: userId,
        action: "pipeline.deleted",
        targetType: "pipeline",
        targetId: id,
      }),
    ]),
  );

  return c.body(null, 204);
});

pipelineRoutes.route("/:id/stages", stageRoutes);
