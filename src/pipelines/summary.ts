/**
 * The pipeline summary: per stage, how many deals and how much money, total and weighted by each
 * deal's probability (its own, else its stage's). Money is summed per currency and never across
 * currencies. Read in one round trip: the pipeline with its stages, and one aggregate.
 */
import { sql } from "drizzle-orm";
import { deals, stages } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import type { DisplayLocale } from "../lib/display-locale.ts";
import { formatMoney } from "../lib/money.ts";
import { findPipelineById, type Stage } from "./pipelines.queries.ts";

type TotalRow = {
  stage_id: string;
  currency: string;
  count: number;
  amount: string;
  weighted: string;
};

export type CurrencyTotal = {
  currency: string;
  count: number;
  amountMinor: number;
  weightedMinor: number;
  amountFormatted: string;
  weightedFormatted: string;
};

export function summaryQueries({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return [
    findPipelineById({ db, orgId, id }),
    // Weighted = amount × probability / 100, rounded once per stage and currency (not per deal).
    db.execute<TotalRow>(sql`
      select d.stage_id, d.currency, count(*)::int as count,
             sum(d.amount_minor)::text as amount,
             round(sum(d.amount_minor::numeric * coalesce(d.probability, s.probability)) / 100)::text
               as weighted
        from ${deals} d
        join ${stages} s on s.org_id = d.org_id and s.id = d.stage_id
       where d.org_id = ${orgId} and d.pipeline_id = ${id} and d.deleted_at is null
       group by d.stage_id, d.currency
       order by d.currency`),
  ] as const;
}

/** The response: every stage in order (empty ones too), each with its totals per currency. */
export function pipelineSummary(
  pipeline: { id: string; name: string; stages: Stage[] },
  totals: { rows: TotalRow[] },
  locale: DisplayLocale,
) {
  const byStage = Map.groupBy(totals.rows, (row) => row.stage_id);
  const stageSummaries = pipeline.stages.map((stage) => {
    const rows = byStage.get(stage.id) ?? [];
    return {
      ...stage,
      count: rows.reduce((sum, row) => sum + row.count, 0),
      totals: rows.map((row) => currencyTotal(row, locale)),
    };
  });
  return { id: pipeline.id, name: pipeline.name, stages: stageSummaries };
}

function currencyTotal(row: TotalRow, locale: DisplayLocale): CurrencyTotal {
  return {
    currency: row.currency,
    count: row.count,
    amountMinor: Number(row.amount),
    weightedMinor: Number(row.weighted),
    amountFormatted: formatMoney(BigInt(row.amount), row.currency, locale),
    weightedFormatted: formatMoney(BigInt(row.weighted), row.currency, locale),
  };
}
