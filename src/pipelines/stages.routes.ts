/**
 * Stages of a pipeline (admin and owner only): add, edit, reorder, remove. Each answers the whole
 * pipeline with its stages in their new order. A stage that still has deals is removed only when
 * the request names the stage that takes them (`?moveDealsTo=`); the move is recorded on each
 * deal's stage history and timeline like any other.
 */
import { and, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { stages } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { newId } from "../lib/ids.ts";
import { checked, guard } from "../records/guards.ts";
import type { Message } from "../records/issues.ts";
import {
  dealsIn,
  findPipelineById,
  isStageOf,
  openStagesBesides,
  pipelineMustExist,
  stageMustExist,
} from "./pipelines.queries.ts";
import {
  addStageBody,
  defaultProbability,
  pipelineIdParam,
  removeStageQuery,
  reorderStagesBody,
  stageParams,
  updateStageBody,
} from "./pipelines.schema.ts";
import { moveAllDeals, removeStage, stageCount, uuidArray } from "./stages.queries.ts";

const MAX_STAGES = 30;

const MESSAGES = {
  needsOpenStage: {
    en: "A pipeline needs at least one open stage.",
    "pt-BR": "Um funil precisa de pelo menos uma etapa aberta.",
  },
  tooManyStages: {
    en: `A pipeline has at most ${MAX_STAGES} stages.`,
    "pt-BR": `Um funil tem no máximo ${MAX_STAGES} etapas.`,
  },
  everyStageOnce: {
    en: "List every stage of the pipeline exactly once.",
    "pt-BR": "Liste cada etapa do funil exatamente uma vez.",
  },
  notATarget: {
    en: "Name another stage of the same pipeline, not a lost one (lost deals need a reason each).",
    "pt-BR":
      "Indique outra etapa do mesmo funil, que não seja de perda (cada negócio perdido precisa de um motivo).",
  },
} satisfies Record<string, Message>;

export const stageRoutes = new Hono<AppEnv>();

stageRoutes.post(
  "/",
  validate("param", pipelineIdParam),
  validate("json", addStageBody),
  async (c) => {
    const { id } = c.req.valid("param");
    const { position, ...stage } = c.req.valid("json");
    const stageId = newId();
    const say = (m: Message) => [{ path: "stages", message: m[c.get("locale")] }];

    const [, , , , [pipeline]] = await checked(
      asMember(c, "admin", (db, { orgId, userId }) => [
        pipelineMustExist({ db, orgId, id }),
        guard(
          db,
          sql`${stageCount(orgId, id)} < ${MAX_STAGES}`,
          "VALIDATION_FAILED",
          say(MESSAGES.tooManyStages),
        ),
        // Make room at `position`; without one the stage goes last.
        db
          .update(stages)
          .set({ position: sql`${stages.position} + 1` })
          .where(
            and(
              eq(stages.orgId, orgId),
              eq(stages.pipelineId, id),
              sql`${stages.position} >= ${position ?? MAX_STAGES * 10}`,
            ),
          ),
        db.insert(stages).values({
          id: stageId,
          orgId,
          pipelineId: id,
          name: stage.name,
          kind: stage.kind,
          probability: stage.probability ?? defaultProbability(stage.kind),
          position: sql`least(${position ?? MAX_STAGES * 10}, ${stageCount(orgId, id)})`,
        }),
        findPipelineById({ db, orgId, id }),
        auditEntry(db, c, {
          orgId,
          actorUserId: userId,
          action: "pipeline.stage_added",
          targetType: "stage",
          targetId: stageId,
          summary: { pipelineId: id, name: stage.name, kind: stage.kind },
        }),
      ]),
    );

    return c.json({ data: pipeline }, 201);
  },
);

stageRoutes.put(
  "/order",
  validate("param", pipelineIdParam),
  validate("json", reorderStagesBody),
  async (c) => {
    const { id } = c.req.valid("param");
    const { stageIds } = c.req.valid("json");
    const ids = uuidArray(stageIds);

    const [, , , [pipeline]] = await checked(
      asMember(c, "admin", (db, { orgId, userId }) => [
        pipelineMustExist({ db, orgId, id }),
        guard(
          db,
          sql`(select array_agg(id order by id) from ${stages}
                where org_id = ${orgId} and pipeline_id = ${id})
              = (select array_agg(x order by x) from unnest(${ids}) x)`,
          "VALIDATION_FAILED",
          [{ path: "stageIds", message: MESSAGES.everyStageOnce[c.get("locale")] }],
        ),
        db
          .update(stages)
          .set({ position: sql`array_position(${ids}, ${stages.id}) - 1` })
          .where(and(eq(stages.orgId, orgId), eq(stages.pipelineId, id))),
        findPipelineById({ db, orgId, id }),
        auditEntry(db, c, {
          orgId,
          actorUserId: userId,
          action: "pipeline.stages_reordered",
          targetType: "pipeline",
          targetId: id,
          summary: { stageIds },
        }),
      ]),
    );

    return c.json({ data: pipeline });
  },
);

stageRoutes.patch(
  "/:stageId",
  validate("param", stageParams),
  validate("json", updateStageBody),
  async (c) => {
    const { id, stageId } = c.req.valid("param");
    const fields = c.req.valid("json");
    const staysOpen = fields.kind === undefined || fields.kind === "open";

    const [, , , [pipeline]] = await checked(
      asMember(c, "admin", (db, { orgId, userId }) => [
        stageMustExist({ db, orgId, id, stageId }),
        guard(
          db,
          sql`${staysOpen} or ${openStagesBesides(orgId, id, stageId)}`,
          "VALIDATION_FAILED",
          [{ path: "kind", message: MESSAGES.needsOpenStage[c.get("locale")] }],
        ),
        db
          .update(stages)
          .set(fields)
          .where(and(eq(stages.orgId, orgId), eq(stages.pipelineId, id), eq(stages.id, stageId))),
        findPipelineById({ db, orgId, id }),
        auditEntry(db, c, {
          orgId,
          actorUserId: userId,
          action: "pipeline.stage_updated",
          targetType: "stage",
          targetId: stageId,
          summary: fields,
        }),
      ]),
    );

    return c.json({ data: pipeline });
  },
);

stageRoutes.delete(
  "/:stageId",
  validate("param", stageParams),
  validate("query", removeStageQuery),
  async (c) => {
    const { id, stageId } = c.req.valid("param");
    const { moveDealsTo } = c.req.valid("query");
    const target = moveDealsTo ?? null;
    const locale = c.get("locale");

    const [, , , , , , , , [pipeline]] = await checked(
      asMember(c, "admin", (db, { orgId, userId }) => [
        stageMustExist({ db, orgId, id, stageId }),
        guard(db, openStagesBesides(orgId, id, stageId), "VALIDATION_FAILED", [
          { path: "stageId", message: MESSAGES.needsOpenStage[locale] },
        ]),
        guard(
          db,
          sql`${target}::uuid is null or (${target}::uuid <> ${stageId}
                and ${isStageOf(orgId, id, target ?? stageId)}
                and not exists (select 1 from ${stages}
                                 where org_id = ${orgId} and id = ${target}::uuid and kind = 'lost'))`,
          "VALIDATION_FAILED",
          [{ path: "moveDealsTo", message: MESSAGES.notATarget[locale] }],
        ),
        guard(
          db,
          sql`${target}::uuid is not null or not ${dealsIn({ orgId, pipelineId: id, stageId })}`,
          "STAGE_HAS_DEALS",
        ),
        ...moveAllDeals({ db, orgId, actorId: userId, fromStageId: stageId, toStageId: target }),
        removeStage({ db, orgId, pipelineId: id, stageId }),
        findPipelineById({ db, orgId, id }),
        auditEntry(db, c, {
          orgId,
          actorUserId: userId,
          action: "pipeline.stage_removed",
          targetType: "stage",
          targetId: stageId,
          summary: { pipelineId: id, moveDealsTo: target },
        }),
      ]),
    );

    return c.json({ data: pipeline });
  },
);
