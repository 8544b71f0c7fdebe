/**
 * From a validated request body to the columns of a deal: the stage resolved (and checked to
 * belong to the pipeline), the currency defaulted from the organisation's region, the lost reason
 * required exactly for lost stages, people and custom values checked. Every problem is recorded
 * in `issues` before anything is written.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { people, pipelines, stages } from "../../drizzle/schema.ts";
import { applyCustomValues } from "../custom-fields/values.ts";
import type { Db } from "../db/tenant.ts";
import type { Issues } from "../records/issues.ts";
import { changesOf, withoutUndefined } from "../records/normalise.ts";
import type { WriteContext } from "../records/write-context.ts";
import type { DealFields, StageRef } from "./deals.queries.ts";
import type { UpdateDealBody } from "./deals.schema.ts";

/** A stage a deal can be put in. */
export type StageChoice = {
  id: string;
  name: string;
  kind: "open" | "won" | "lost";
  pipelineId: string;
};

/** The deal as read before an update (what `findDealById` answers). */
export type CurrentDeal = DealFields & {
  personIds: string[];
  stage: { id: string; name: string; kind: "open" | "won" | "lost" };
};

/**
 * The stage the request puts the deal in: the one named, else the first open stage of the
 * pipeline named, else of the default pipeline. None when the request names no stage or
 * pipeline and `fallBackToDefault` is false (an update that does not move the deal).
 */
export function stageChoiceQuery(
  db: Db,
  orgId: string,
  wanted: { stageId?: string; pipelineId?: string },
  fallBackToDefault: boolean,
) {
  const which = wanted.stageId
    ? eq(stages.id, wanted.stageId)
    : wanted.pipelineId
      ? eq(stages.pipelineId, wanted.pipelineId)
      : fallBackToDefault
        ? eq(pipelines.isDefault, true)
        : sql`false`;
  return db
    .select({ id: stages.id, name: stages.name, kind: stages.kind, pipelineId: stages.pipelineId })
    .from(stages)
    .innerJoin(
      pipelines,
      and(eq(pipelines.orgId, stages.orgId), eq(pipelines.id, stages.pipelineId)),
    )
    .where(and(eq(stages.orgId, orgId), which))
    .orderBy(sql`${stages.kind} <> 'open'`, stages.position)
    .limit(1);
}

/** The people of `personIds` that exist in the organisation and are not in the trash. */
export function peopleFoundQuery(db: Db, orgId: string, personIds: string[] | undefined) {
  return db
    .select({ id: people.id })
    .from(people)
    .where(
      and(eq(people.orgId, orgId), isNull(people.deletedAt), inArray(people.id, personIds ?? [])),
    );
}

type Body = UpdateDealBody;

/** What a create or update writes, and what the timeline records of it. */
export type DealChange = {
  fields: Partial<DealFields>;
  personIds: string[] | undefined;
  move: { from: StageRef; to: StageRef } | null;
  changes: Record<string, unknown>;
};

/**
 * The columns `body` sets. On create (`current` undefined) every column gets a value, defaults
 * filling what was not sent; on update only what changes.
 */
export function dealChange(
  input: {
    body: Body;
    context: WriteContext;
    stage: StageChoice | undefined;
    peopleFound: { id: string }[];
    current?: CurrentDeal;
  },
  issues: Issues,
): DealChange {
  const { body, context, current } = input;
  const creating = current === undefined;
  const target = targetStage(input, issues);
  const moved = target !== undefined && target.id !== current?.stageId;

  checkPeople(body.personIds, input.peopleFound, issues);
  const fields: Partial<DealFields> = withoutUndefined({
    title: body.title,
    amountMinor: body.amountMinor ?? (creating ? 0 : undefined),
    currency: body.currency ?? (creating ? defaultCurrency(context.region) : undefined),
    pipelineId: moved ? target.pipelineId : undefined,
    stageId: moved ? target.id : undefined,
    expectedCloseDate: creating ? (body.expectedCloseDate ?? null) : body.expectedCloseDate,
    probability: creating ? (body.probability ?? null) : body.probability,
    ownerId: body.ownerId,
    companyId: creating ? (body.companyId ?? null) : body.companyId,
    lostReason: lostReason(body, target ?? current?.stage, moved, current, issues),
    tagIds: body.tagIds ?? (creating ? [] : undefined),
    custom:
      creating || body.custom !== undefined
        ? applyCustomValues(
            {
              definitions: context.definitions,
              values: body.custom,
              current: current?.custom ?? {},
              creating,
            },
            issues,
          )
        : undefined,
  });

  const { stageId: _, ...recorded } = fields;
  const changes = current
    ? changesOf(current, { ...recorded, ...(body.personIds ? { personIds: body.personIds } : {}) })
    : {};
  const move = moved && current ? { from: stageRef(current.stage), to: stageRef(target) } : null;
  return { fields, personIds: body.personIds, move, changes };
}

function targetStage(
  input: { body: Body; stage: StageChoice | undefined; current?: CurrentDeal },
  issues: Issues,
): StageChoice | undefined {
  const { body, stage, current } = input;
  const named = body.stageId !== undefined || body.pipelineId !== undefined;
  if (!named && current) return undefined;
  // Naming the pipeline the deal is already in, without a stage, moves nothing.
  if (!body.stageId && current && body.pipelineId === current.pipelineId) return undefined;

  if (!stage) {
    if (body.stageId) {
      issues.add("stageId", {
        en: "There is no such stage in this organisation.",
        "pt-BR": "Não existe esta etapa nesta organização.",
      });
    } else {
      issues.add("pipelineId", {
        en: "There is no such pipeline in this organisation.",
        "pt-BR": "Não existe este funil nesta organização.",
      });
    }
    return undefined;
  }
  if (body.pipelineId && stage.pipelineId !== body.pipelineId) {
    issues.add("stageId", {
      en: "This stage belongs to another pipeline.",
      "pt-BR": "Esta etapa pertence a outro funil.",
    });
    return undefined;
  }
  return stage;
}

/**
 * The lost reason to store: required when the deal ends in a lost stage (a move into one needs a
 * new reason), null otherwise (a deal leaving a lost stage drops its reason).
 */
function lostReason(
  body: Body,
  stage: { kind: "open" | "won" | "lost" } | undefined,
  moved: boolean,
  current: CurrentDeal | undefined,
  issues: Issues,
): string | null | undefined {
  if (!stage) return undefined;
  const reason =
    body.lostReason !== undefined ? body.lostReason : moved ? null : (current?.lostReason ?? null);

  if (stage.kind === "lost" && !reason) {
    issues.add("lostReason", {
      en: "Say why the deal was lost: a lost stage needs a lost reason.",
      "pt-BR": "Diga por que o negócio foi perdido: uma etapa de perda exige um motivo.",
    });
    return undefined;
  }
  if (stage.kind !== "lost" && body.lostReason) {
    issues.add("lostReason", {
      en: "Only a deal in a lost stage has a lost reason.",
      "pt-BR": "Só um negócio em etapa de perda tem motivo de perda.",
    });
    return undefined;
  }
  const stored = stage.kind === "lost" ? reason : null;
  return stored === (current?.lostReason ?? null) && current ? undefined : stored;
}

function checkPeople(personIds: string[] | undefined, found: { id: string }[], issues: Issues) {
  const known = new Set(found.map((p) => p.id));
  personIds?.forEach((id, index) => {
    if (!known.has(id)) {
      issues.add(`personIds.${index}`, {
        en: "There is no such person in this organisation.",
        "pt-BR": "Não existe esta pessoa nesta organização.",
      });
    }
  });
}

function defaultCurrency(region: string): DealFields["currency"] {
  return region === "PT" ? "EUR" : "BRL";
}

function stageRef(stage: { id: string; name: string }): StageRef {
  return { id: stage.id, name: stage.name };
}
