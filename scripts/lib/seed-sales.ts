/**
 * The demo organisation's sales week: the default pipeline (pt-BR), deals spread over its stages
 * with their stage history, tasks due yesterday, today and later for the demo user, and notes.
 * Runs inside the seed's open transaction, as the runtime role with the claims set.
 */
import type pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { todayIn } from "../../src/lib/dates.ts";
import { defaultPipeline } from "../../src/pipelines/default-pipeline.ts";

const DEALS = [
  { title: "Café especial para 30 lojas", amount: 4_850_000, stage: 0, close: 40 },
  { title: "Pão de queijo congelado", amount: 1_275_050, stage: 0, close: 55 },
  { title: "Contrato anual de bebidas", amount: 9_900_000, stage: 1, close: 30 },
  { title: "Reposição de biscoitos", amount: 320_000, stage: 1, close: 12 },
  { title: "Linha de sucos naturais", amount: 2_150_000, stage: 2, close: 20, probability: 60 },
  { title: "Doces para a festa junina", amount: 780_000, stage: 2, close: 9 },
  { title: "Distribuição no interior", amount: 15_000_000, stage: 3, close: 7 },
  { title: "Máquinas de espresso", amount: 5_400_000, stage: 3, close: 3 },
  { title: "Açúcar orgânico", amount: 640_000, stage: 4, close: -5 },
  { title: "Chás importados", amount: 1_100_000, stage: 4, close: -12 },
  {
    title: "Leite sem lactose",
    amount: 2_300_000,
    stage: 5,
    close: -20,
    lost: "Preço acima do concorrente",
  },
] as const;

const TASKS = [
  { kind: "call", title: "Ligar para confirmar o pedido", due: -1, deal: 6 },
  { kind: "email", title: "Enviar tabela de preços atualizada", due: 0, deal: 4 },
  { kind: "meeting", title: "Degustação na loja da Paulista", due: 0, at: "15:30", deal: 0 },
  { kind: "todo", title: "Revisar proposta de frete", due: 1, deal: 7 },
  { kind: "call", title: "Retornar ao comprador", due: 3, deal: 2 },
  { kind: "todo", title: "Atualizar cadastro do cliente", due: -4, deal: null },
] as const;

const NOTES = [
  {
    deal: 6,
    body: "## Reunião com a diretoria\n\n- Querem **exclusividade** na região\n- Prazo de pagamento: _60 dias_",
  },
  { deal: 4, body: "Cliente pediu amostras dos sabores **caju** e **cajá**." },
  {
    deal: 10,
    body: "Perdemos por preço. Revisitar em março: [proposta](https://exemplo.com.br/proposta).",
  },
] as const;

export async function seedSales(
  client: pg.Client,
  input: { orgId: string; userId: string; companyIds: string[]; personIds: string[] },
): Promise<{ deals: number; tasks: number; notes: number }> {
  const { orgId, userId } = input;
  const insert = (statement: string, values: unknown[]) => client.query(statement, values);
  const entry = (recordId: string, kind: string, changes: unknown) =>
    insert(
      `insert into timeline_events (id, org_id, record_type, record_id, actor_id, kind, changes)
       values ($1, $2, 'deal', $3, $4, $5, $6)`,
      [uuidv7(), orgId, recordId, userId, kind, JSON.stringify(changes)],
    );
  const today = todayIn("America/Sao_Paulo");
  const day = (offset: number) => {
    const date = new Date(`${today}T12:00:00Z`);
    date.setUTCDate(date.getUTCDate() + offset);
    return date.toISOString().slice(0, 10);
  };

  const pipeline = defaultPipeline("pt-BR");
  const pipelineId = uuidv7();
  await insert(
    "insert into pipelines (id, org_id, name, position, is_default) values ($1, $2, $3, 0, true)",
    [pipelineId, orgId, pipeline.name],
  );
  const stageIds = pipeline.stages.map(() => uuidv7());
  for (const [i, stage] of pipeline.stages.entries()) {
    await insert(
      `insert into stages (id, org_id, pipeline_id, name, position, kind, probability)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [stageIds[i], orgId, pipelineId, stage.name, stage.position, stage.kind, stage.probability],
    );
  }

  const dealIds: string[] = [];
  for (const [i, deal] of DEALS.entries()) {
    const id = uuidv7();
    dealIds.push(id);
    await insert(
      `insert into deals (id, org_id, title, amount_minor, currency, pipeline_id, stage_id,
                          expected_close_date, probability, company_id, lost_reason, owner_id,
                          created_by)
       values ($1, $2, $3, $4, 'BRL', $5, $6, $7, $8, $9, $10, $11, $11)`,
      [
        id,
        orgId,
        deal.title,
        deal.amount,
        pipelineId,
        stageIds[deal.stage],
        day(deal.close),
        "probability" in deal ? deal.probability : null,
        input.companyIds[i % input.companyIds.length],
        "lost" in deal ? deal.lost : null,
        userId,
      ],
    );
    for (const personId of [input.personIds[i * 2], input.personIds[i * 2 + 1]]) {
      await insert("insert into deal_people (org_id, deal_id, person_id) values ($1, $2, $3)", [
        orgId,
        id,
        personId,
      ]);
    }
    await entry(id, "created", { title: { old: null, new: deal.title } });
    // Each deal walked the stages up to its own, one history row and timeline entry per move.
    let from: number | null = null;
    for (let stage = 0; stage <= deal.stage; stage++) {
      if (deal.stage === 5 && stage === 4) continue;
      await insert(
        `insert into deal_stage_history (id, org_id, deal_id, from_stage_id, to_stage_id, moved_by)
         values ($1, $2, $3, $4, $5, $6)`,
        [uuidv7(), orgId, id, from === null ? null : stageIds[from], stageIds[stage], userId],
      );
      if (from !== null) {
        const ref = (s: number) => ({ id: stageIds[s], name: pipeline.stages[s]?.name });
        await entry(id, "stage_moved", { stage: { old: ref(from), new: ref(stage) } });
      }
      from = stage;
    }
  }

  for (const task of TASKS) {
    const dealId = task.deal === null ? null : dealIds[task.deal];
    const at = "at" in task ? `${day(task.due)}T${task.at}:00-03:00` : null;
    await insert(
      `insert into tasks (id, org_id, kind, title, due_date, due_at, assignee_id, record_type,
                          record_id, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7)`,
      [
        uuidv7(),
        orgId,
        task.kind,
        task.title,
        at ? null : day(task.due),
        at,
        userId,
        dealId && "deal",
        dealId,
      ],
    );
  }

  for (const note of NOTES) {
    const id = uuidv7();
    await insert(
      `insert into notes (id, org_id, record_type, record_id, body, created_by)
       values ($1, $2, 'deal', $3, $4, $5)`,
      [id, orgId, dealIds[note.deal], note.body, userId],
    );
    await entry(dealIds[note.deal] as string, "note_added", {
      note: { id, excerpt: note.body.slice(0, 140) },
    });
  }

  return { deals: DEALS.length, tasks: TASKS.length, notes: NOTES.length };
}
