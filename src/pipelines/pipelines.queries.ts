/** Pipeline and stage statements, for use inside `asMember` batches. Each takes one object. */
import { and, count, eq, type SQL, sql } from "drizzle-orm";
import { deals, pipelines, stages } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { newId } from "../lib/ids.ts";
import { guard } from "../records/guards.ts";
import { after, type Cursor, orderOf, type SortSpec, sortKeyOf } from "../records/list-page.ts";
import { defaultProbability, type StageBody } from "./pipelines.schema.ts";

export type Stage = {
  id: string;
  name: string;
  position: number;
  kind: "open" | "won" | "lost";
  probability: number;
};

/** Pipelines in the order people arrange them, then by creation. */
export const PIPELINE_ORDER: SortSpec = {
  name: "position",
  keys: [{ column: sql`lpad(${pipelines.position}::text, 10, '0')`, type: "text" }],
  id: pipelines.id,
  descending: false,
};

// A pipeline is always shown with its stages: one query, the stages aggregated as JSON. The outer
// columns are spelled out qualified: drizzle writes a single-table query's columns bare, and a
// bare "id" here would mean the stage's.
const stagesOfPipeline = sql<Stage[]>`coalesce((
  select json_agg(json_build_object(
           'id', s.id, 'name', s.name, 'position', s.position, 'kind', s.kind,
           'probability', s.probability) order by s.position, s.id)
    from ${stages} s
   where s.org_id = "pipelines"."org_id" and s.pipeline_id = "pipelines"."id"), '[]'::json)`;

const columns = {
  id: pipelines.id,
  name: pipelines.name,
  position: pipelines.position,
  isDefault: pipelines.isDefault,
  stages: stagesOfPipeline,
  createdAt: pipelines.createdAt,
  updatedAt: pipelines.updatedAt,
};

export function findPipelineById({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return db
    .select(columns)
    .from(pipelines)
    .where(and(eq(pipelines.orgId, orgId), eq(pipelines.id, id)));
}

/** One page (`limit + 1` rows, see `pageOf`) and, separately, the total. */
export function listPipelines({
  db,
  orgId,
  limit,
  cursor,
}: {
  db: Db;
  orgId: string;
  limit: number;
  cursor?: Cursor;
}) {
  return [
    db
      .select({ ...columns, sortKey: sortKeyOf(PIPELINE_ORDER) })
      .from(pipelines)
      .where(and(eq(pipelines.orgId, orgId), after(PIPELINE_ORDER, cursor)))
      .orderBy(...orderOf(PIPELINE_ORDER))
      .limit(limit + 1),
    db.select({ total: count() }).from(pipelines).where(eq(pipelines.orgId, orgId)),
  ] as const;
}

/** The INSERTs of a pipeline and its stages; the pipeline goes last in the order. */
export function createPipeline({
  db,
  orgId,
  id,
  name,
  stageBodies,
}: {
  db: Db;
  orgId: string;
  id: string;
  name: string;
  stageBodies: StageBody[];
}) {
  return [
    db.insert(pipelines).values({
      id,
      orgId,
      name,
      position: sql`(select coalesce(max(position) + 1, 0) from ${pipelines} where org_id = ${orgId})`,
    }),
    db.insert(stages).values(
      stageBodies.map((stage, position) => ({
        id: newId(),
        orgId,
        pipelineId: id,
        name: stage.name,
        position,
        kind: stage.kind,
        probability: stage.probability ?? defaultProbability(stage.kind),
      })),
    ),
  ] as const;
}

/** Makes `id` the organisation's one default pipeline, if `when` (else changes nothing). */
export function makeDefault({
  db,
  orgId,
  id,
  when,
}: {
  db: Db;
  orgId: string;
  id: string;
  when: boolean;
}) {
  return db
    .update(pipelines)
    .set({ isDefault: sql`${pipelines.id} = ${id}` })
    .where(and(eq(pipelines.orgId, orgId), sql`${when}::boolean`));
}

/** Aborts the batch with NOT_FOUND unless the pipeline exists in the organisation. */
export function pipelineMustExist({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return guard(
    db,
    sql`exists (select 1 from ${pipelines} where org_id = ${orgId} and id = ${id})`,
    "NOT_FOUND",
  );
}

/** Aborts the batch with NOT_FOUND unless `stageId` is a stage of pipeline `id`. */
export function stageMustExist({
  db,
  orgId,
  id,
  stageId,
}: {
  db: Db;
  orgId: string;
  id: string;
  stageId: string;
}) {
  return guard(db, isStageOf(orgId, id, stageId), "NOT_FOUND");
}

export function isStageOf(orgId: string, pipelineId: string, stageId: string): SQL {
  return sql`exists (select 1 from ${stages}
                      where org_id = ${orgId} and pipeline_id = ${pipelineId} and id = ${stageId})`;
}

/** Deals (trashed ones included: they can be restored) in the stage or pipeline. */
export function dealsIn({
  orgId,
  pipelineId,
  stageId,
}: {
  orgId: string;
  pipelineId: string;
  stageId?: string;
}): SQL {
  return sql`exists (select 1 from ${deals}
                      where org_id = ${orgId} and pipeline_id = ${pipelineId}
                        ${stageId ? sql`and stage_id = ${stageId}` : sql``})`;
}

/** Open stages that would remain if `exceptStageId` were removed or stopped being open. */
export function openStagesBesides(orgId: string, pipelineId: string, exceptStageId: string): SQL {
  return sql`exists (select 1 from ${stages}
                      where org_id = ${orgId} and pipeline_id = ${pipelineId}
                        and kind = 'open' and id <> ${exceptStageId})`;
}
