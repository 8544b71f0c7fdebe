/** Stage statements that need more than the query builder: bulk moves and removal. */
import { type SQL, sql } from "drizzle-orm";
import { dealStageHistory, deals, stages, timelineEvents } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";

/** A `uuid[]` literal of `ids` (drizzle would expand a plain array into a parameter list). */
export function uuidArray(ids: string[]): SQL {
  if (ids.length === 0) return sql`'{}'::uuid[]`;
  return sql`array[${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[]`;
}

/** How many stages pipeline `pipelineId` has. */
export function stageCount(orgId: string, pipelineId: string): SQL {
  return sql`(select count(*) from ${stages} where org_id = ${orgId} and pipeline_id = ${pipelineId})`;
}

/**
 * Moves every deal of `fromStageId` (trashed ones too, so they can be restored) to `toStageId`,
 * with a stage history row and a `stage_moved` timeline entry each. With `toStageId` null the
 * three statements change nothing, so the batch keeps its shape.
 */
export function moveAllDeals({
  db,
  orgId,
  actorId,
  fromStageId,
  toStageId,
}: {
  db: Db;
  orgId: string;
  actorId: string;
  fromStageId: string;
  toStageId: string | null;
}) {
  const moving = sql`d.org_id = ${orgId} and d.stage_id = ${fromStageId} and ${toStageId}::uuid is not null`;
  // Ids from gen_random_uuid(): one statement for any number of deals, at the cost of ids that
  // are not time-ordered like newId()'s (lists order history by its timestamp first anyway).
  return [
    db.execute(sql`
      insert into ${dealStageHistory} (id, org_id, deal_id, from_stage_id, to_stage_id, moved_by)
      select gen_random_uuid(), d.org_id, d.id, d.stage_id, ${toStageId}::uuid, ${actorId}::uuid
        from ${deals} d where ${moving}`),
    db.execute(sql`
      insert into ${timelineEvents} (id, org_id, record_type, record_id, actor_id, kind, changes)
      select gen_random_uuid(), d.org_id, 'deal', d.id, ${actorId}::uuid, 'stage_moved',
             jsonb_build_object('stage', jsonb_build_object(
               'old', jsonb_build_object('id', f.id, 'name', f.name),
               'new', jsonb_build_object('id', t.id, 'name', t.name)),
               'reason', 'stage_removed')
        from ${deals} d
        join ${stages} f on f.org_id = d.org_id and f.id = d.stage_id
        join ${stages} t on t.org_id = d.org_id and t.id = ${toStageId}::uuid
       where ${moving}`),
    // The target is never a lost stage (the route checks), so no deal keeps a lost reason.
    db.execute(sql`
      update ${deals} d
         set stage_id = ${toStageId}::uuid, stage_entered_at = now(), lost_reason = null,
             version = d.version + 1, updated_at = now()
       where ${moving}`),
  ] as const;
}

/** Deletes the stage and closes the gap it leaves in the positions. */
export function removeStage({
  db,
  orgId,
  pipelineId,
  stageId,
}: {
  db: Db;
  orgId: string;
  pipelineId: string;
  stageId: string;
}) {
  return db.execute(sql`
    with removed as (
      delete from ${stages}
       where org_id = ${orgId} and pipeline_id = ${pipelineId} and id = ${stageId}
      returning position)
    update ${stages} s set position = s.position - 1
      from removed
     where s.org_id = ${orgId} and s.pipeline_id = ${pipelineId} and s.position > removed.position`);
}
