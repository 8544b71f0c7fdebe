/**
 * The pipeline every new organisation starts with, named in its language. Organisations that
 * existed before pipelines got the pt-BR one from migration 0006.
 */
import { pipelines, stages } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import type { DisplayLocale } from "../lib/display-locale.ts";
import { newId } from "../lib/ids.ts";

type StageKind = "open" | "won" | "lost";

const NAMES: Record<DisplayLocale, { pipeline: string; stages: string[] }> = {
  "pt-BR": {
    pipeline: "Vendas",
    stages: ["Qualificação", "Contato feito", "Proposta enviada", "Negociação", "Ganho", "Perdido"],
  },
  "pt-PT": {
    pipeline: "Vendas",
    stages: [
      "Qualificação",
      "Contacto feito",
      "Proposta enviada",
      "Negociação",
      "Ganho",
      "Perdido",
    ],
  },
  en: {
    pipeline: "Sales",
    stages: ["Qualified", "Contact made", "Proposal sent", "Negotiation", "Won", "Lost"],
  },
};

/** Kind and default win probability of each default stage, in order (as in migration 0006). */
const SHAPE: { kind: StageKind; probability: number }[] = [
  { kind: "open", probability: 10 },
  { kind: "open", probability: 20 },
  { kind: "open", probability: 50 },
  { kind: "open", probability: 70 },
  { kind: "won", probability: 100 },
  { kind: "lost", probability: 0 },
];

/** The default pipeline's name and its stages, in order, named in `locale`. */
export function defaultPipeline(locale: DisplayLocale) {
  const names = NAMES[locale];
  return {
    name: names.pipeline,
    stages: SHAPE.map((stage, position) => ({
      ...stage,
      position,
      name: names.stages[position] ?? stage.kind,
    })),
  };
}

/** The two INSERTs (pipeline, then its stages) to put in the batch that creates `orgId`. */
export function createDefaultPipeline(db: Db, orgId: string, locale: DisplayLocale) {
  const names = NAMES[locale];
  const pipelineId = newId();
  return [
    db
      .insert(pipelines)
      .values({ id: pipelineId, orgId, name: names.pipeline, position: 0, isDefault: true }),
    db.insert(stages).values(
      SHAPE.map((stage, position) => ({
        id: newId(),
        orgId,
        pipelineId,
        name: names.stages[position] ?? stage.kind,
        position,
        kind: stage.kind,
        probability: stage.probability,
      })),
    ),
  ] as const;
}
