/** Request shapes of the deals API. Strict: unknown fields are refused, never dropped. */
import { z } from "zod";
import { CURRENCIES, STAGE_KINDS } from "../../drizzle/schema.ts";
import { isCalendarDate } from "../lib/dates.ts";
import { recordListQuery } from "../records/list-query.ts";
import {
  changesSomething,
  customBody,
  ownerIdBody,
  tagIdsBody,
  versionBody,
} from "../records/record.schema.ts";

const day = z.string().refine(isCalendarDate, { error: "Expected a date as YYYY-MM-DD." });
const amountMinor = z
  .number({ error: "Send the amount as an integer number of cents (minor units)." })
  .int({ error: "Send the amount as an integer number of cents (minor units)." })
  .min(0)
  .max(Number.MAX_SAFE_INTEGER);
const stageId = z.uuid({ error: "Not a stage id." });

const fields = {
  title: z.string().trim().min(1).max(200),
  /** Integer minor units: 123456 with BRL is R$ 1.234,56. */
  amountMinor: amountMinor.optional(),
  /** Default: the organisation's (BRL in Brazil, EUR in Portugal). */
  currency: z.enum(CURRENCIES).optional(),
  /** Default: the stage's pipeline, else the default pipeline. */
  pipelineId: z.uuid({ error: "Not a pipeline id." }).optional(),
  /** Default: the first open stage of the pipeline. */
  stageId: stageId.optional(),
  expectedCloseDate: day.nullable().optional(),
  /** 0-100; null follows the stage's default probability. */
  probability: z.number().int().min(0).max(100).nullable().optional(),
  ownerId: ownerIdBody.optional(),
  companyId: z.uuid({ error: "Not a company id." }).nullable().optional(),
  personIds: z
    .array(z.uuid({ error: "Not a person id." }))
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, { error: "A person is listed twice." })
    .optional(),
  /** Required when the deal is (or moves) in a lost stage; only lost deals have one. */
  lostReason: z.string().trim().min(1).max(500).nullable().optional(),
  tagIds: tagIdsBody.optional(),
  custom: customBody.optional(),
};

export const createDealBody = z.strictObject(fields);

export const updateDealBody = z
  .strictObject({ ...fields, title: fields.title.optional(), version: versionBody })
  .refine(changesSomething, { error: "Send at least one field to change." });

/** POST /deals/:id/move: the same as a PATCH of `stageId` (and `lostReason`). */
export const moveDealBody = z.strictObject({
  stageId,
  lostReason: fields.lostReason,
  version: versionBody,
});

export const DEAL_SORTS = [
  "title",
  "created",
  "updated",
  "amount",
  "closeDate",
  "stageEntered",
] as const;

export const listDealsQuery = recordListQuery({
  sort: z.enum(DEAL_SORTS).default("created"),
  q: z.string().trim().max(200).optional(),
  pipelineId: z.uuid({ error: "Not a pipeline id." }).optional(),
  stageId: stageId.optional(),
  companyId: z.uuid({ error: "Not a company id." }).optional(),
  personId: z.uuid({ error: "Not a person id." }).optional(),
  status: z.enum(STAGE_KINDS).optional(),
  currency: z.enum(CURRENCIES).optional(),
  closeFrom: day.optional(),
  closeTo: day.optional(),
  amountMin: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  amountMax: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export type CreateDealBody = z.infer<typeof createDealBody>;
export type UpdateDealBody = Omit<z.infer<typeof updateDealBody>, "version">;
export type ListDealsQuery = z.infer<typeof listDealsQuery>;
