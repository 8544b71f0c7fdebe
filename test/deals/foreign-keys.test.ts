/**
 * Below the API: the composite foreign keys (org_id, x_id) keep every link inside one
 * organisation, so even a raw insert by the runtime role, with its own organisation's claim and
 * another organisation's id, is refused.
 */
import { describe, expect, inject, it } from "vitest";
import { newTenant, type Tenant } from "../support/api.ts";
import { connect, failureOf } from "../support/db.ts";
import {
  createCompany,
  createDeal,
  createPerson,
  defaultPipeline,
  stageAt,
} from "../support/deals.ts";

describe("composite foreign keys across organisations", () => {
  it.each([
    {
      link: "a deal to another organisation's stage",
      insert: (a: Ids, b: Ids) => [
        "insert into deals (id, org_id, title, currency, pipeline_id, stage_id) values (gen_random_uuid(), $1, 'x', 'BRL', $2, $3)",
        [a.orgId, a.pipelineId, b.stageId],
      ],
    },
    {
      link: "a deal to another organisation's pipeline",
      insert: (a: Ids, b: Ids) => [
        "insert into deals (id, org_id, title, currency, pipeline_id, stage_id) values (gen_random_uuid(), $1, 'x', 'BRL', $2, $3)",
        [a.orgId, b.pipelineId, a.stageId],
      ],
    },
    {
      link: "a deal to another organisation's company",
      insert: (a: Ids, b: Ids) => [
        "insert into deals (id, org_id, title, currency, pipeline_id, stage_id, company_id) values (gen_random_uuid(), $1, 'x', 'BRL', $2, $3, $4)",
        [a.orgId, a.pipelineId, a.stageId, b.companyId],
      ],
    },
    {
      link: "a deal to another organisation's person",
      insert: (a: Ids, b: Ids) => [
        "insert into deal_people (org_id, deal_id, person_id) values ($1, $2, $3)",
        [a.orgId, a.dealId, b.personId],
      ],
    },
    {
      link: "a stage to another organisation's pipeline",
      insert: (a: Ids, b: Ids) => [
        "insert into stages (id, org_id, pipeline_id, name, position) values (gen_random_uuid(), $1, $2, 'x', 9)",
        [a.orgId, b.pipelineId],
      ],
    },
    {
      link: "stage history to another organisation's deal",
      insert: (a: Ids, b: Ids) => [
        "insert into deal_stage_history (id, org_id, deal_id, to_stage_id) values (gen_random_uuid(), $1, $2, $3)",
        [a.orgId, b.dealId, a.stageId],
      ],
    },
  ])("refuses $link with 23503", async ({ insert }) => {
    const [a, b] = await Promise.all([idsOf(await newTenant()), idsOf(await newTenant())]);
    const sql = connect(inject("databaseUrl"));
    const [text, params] = insert(a, b) as [string, string[]];

    const failure = await failureOf(() =>
      sql.transaction([
        sql.query("select set_config('app.org_id', $1, true)", [a.orgId]),
        sql.query(text, params),
      ]),
    );

    expect(failure).toBe("23503");
  });

  it("accepts the same insert within one organisation (so the refusals above are the keys')", async () => {
    const a = await idsOf(await newTenant());
    const sql = connect(inject("databaseUrl"));

    await sql.transaction([
      sql.query("select set_config('app.org_id', $1, true)", [a.orgId]),
      sql.query(
        "insert into deals (id, org_id, title, currency, pipeline_id, stage_id, company_id) values (gen_random_uuid(), $1, 'x', 'BRL', $2, $3, $4)",
        [a.orgId, a.pipelineId, a.stageId, a.companyId],
      ),
    ]);
  });
});

type Ids = {
  orgId: string;
  pipelineId: string;
  stageId: string;
  companyId: string;
  personId: string;
  dealId: string;
};

async function idsOf(tenant: Tenant): Promise<Ids> {
  const pipeline = await defaultPipeline(tenant);
  const company = await createCompany(tenant, "Empresa");
  const person = await createPerson(tenant, "Pessoa");
  const deal = await createDeal(tenant, { title: "Negócio" });
  return {
    orgId: tenant.orgId,
    pipelineId: pipeline.id,
    stageId: stageAt(pipeline, 0).id,
    companyId: company.id,
    personId: person.id,
    dealId: deal.id,
  };
}
