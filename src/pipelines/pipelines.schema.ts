/** Request shapes of the pipelines API. Strict: unknown fields are refused, never dropped. */
import { z } from "zod";
import { STAGE_KINDS } from "../../drizzle/schema.ts";

const name = z.string().trim().min(1).max(100);
const probability = z.number().int().min(0).max(100);

/** A stage as sent when creating a pipeline or adding a stage. */
const stageBody = z.strictObject({
  name,
  kind: z.enum(STAGE_KINDS).default("open"),
  /** Default win probability of deals in the stage; by default 100 for won, else 0. */
  probability: probability.optional(),
});

export const createPipelineBody = z.strictObject({
  name,
  /** Only `true`: to change the default, make another pipeline the default. */
  isDefault: z.literal(true).optional(),
  stages: z
    .array(stageBody)
    .min(1)
    .max(30)
    .refine((stages) => stages.some((s) => s.kind === "open"), {
      error: "A pipeline needs at least one open stage.",
    }),
});

export const updatePipelineBody = z
  .strictObject({
    name: name.optional(),
    isDefault: z.literal(true).optional(),
    position: z.number().int().min(0).max(1000).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { error: "Send at least one field to change." });

export const addStageBody = stageBody.extend({
  /** Where to insert it (0 = first); at the end by default. */
  position: z.number().int().min(0).max(100).optional(),
});

export const updateStageBody = z
  .strictObject({
    name: name.optional(),
    kind: z.enum(STAGE_KINDS).optional(),
    probability: probability.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { error: "Send at least one field to change." });

export const reorderStagesBody = z.strictObject({
  /** Every stage of the pipeline, once each, in the new order. */
  stageIds: z
    .array(z.uuid({ error: "Not a stage id." }))
    .min(1)
    .max(100)
    .refine((ids) => new Set(ids).size === ids.length, { error: "A stage is listed twice." }),
});

export const removeStageQuery = z.strictObject({
  /** The stage of the same pipeline that takes the removed stage's deals. */
  moveDealsTo: z.uuid({ error: "Not a stage id." }).optional(),
});

export const pipelineIdParam = z.strictObject({ id: z.uuid({ error: "Not a pipeline id." }) });

export const stageParams = z.strictObject({
  id: z.uuid({ error: "Not a pipeline id." }),
  stageId: z.uuid({ error: "Not a stage id." }),
});

export const listPipelinesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional(),
});

export type StageBody = z.infer<typeof stageBody>;

/** The probability a stage gets when none is sent. */
export function defaultProbability(kind: StageBody["kind"]): number {
  return kind === "won" ? 100 : 0;
}
