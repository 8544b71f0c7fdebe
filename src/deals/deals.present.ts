/** How deals look in responses: status, effective probability and money formatted for the reader. */
import { formatDate } from "../lib/dates.ts";
import type { DisplayLocale } from "../lib/display-locale.ts";
import { formatMoney } from "../lib/money.ts";

type DealRow = {
  amountMinor: number;
  expectedCloseDate: string | null;
  currency: string;
  probability: number | null;
  stage: { kind: "open" | "won" | "lost"; probability: number };
};

/**
 * The deal with `status` (its stage's kind), `effectiveProbability` (its own, else its stage's),
 * and for display in `locale`: `amountFormatted` (R$ 1.234,56; 1234,56 €; $1,234.56) and
 * `expectedCloseDateFormatted` (20/02/2026; 2/20/2026).
 */
export function presentDeal<Row extends DealRow>(row: Row, locale: DisplayLocale) {
  return {
    ...row,
    status: row.stage.kind,
    effectiveProbability: row.probability ?? row.stage.probability,
    amountFormatted: formatMoney(row.amountMinor, row.currency, locale),
    expectedCloseDateFormatted: row.expectedCloseDate
      ? formatDate(row.expectedCloseDate, locale)
      : null,
  };
}

type HistoryRow = {
  fromStage: { id: string | null; name: string | null };
  toStage: { id: string; name: string | null };
  enteredAt: Date;
  movedBy: string | null;
};

/**
 * The stage history oldest first, each stay with when it ended (`leftAt`: when the deal entered
 * the next stage; null for the stage it is in now). A stage removed since shows its id, name null.
 */
export function withStageSpans(history: HistoryRow[]) {
  return history.map((row, index) => ({
    stage: row.toStage,
    fromStage: row.fromStage.id ? row.fromStage : null,
    enteredAt: row.enteredAt,
    leftAt: history[index + 1]?.enteredAt ?? null,
    movedBy: row.movedBy,
  }));
}
