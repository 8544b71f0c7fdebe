/**
 * The search statement the API runs uses the GIN indexes on `search` (it would still answer
 * without them, just slower: on an organisation with a million records, far slower). Checked
 * with EXPLAIN as the owner role on tables with enough rows to make the index worth it, inside a
 * transaction that is rolled back.
 */
import { randomUUID } from "node:crypto";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { searchStatement } from "../../src/search/search.query.ts";

const ROWS = 20_000;

let owner: pg.Client;
const orgId = randomUUID();

beforeAll(async () => {
  owner = new pg.Client({ connectionString: inject("ownerUrl") });
  await owner.connect();
  await owner.query("begin");
  const pipeline = randomUUID();
  const stage = randomUUID();
  for (const [statement, params] of [
    ["insert into organisations (id, name) values ($1, 'Explain')", [orgId]],
    ["insert into pipelines (id, org_id, name) values ($1, $2, 'Vendas')", [pipeline, orgId]],
    [
      "insert into stages (id, org_id, pipeline_id, name, position) values ($1, $2, $3, 'Nova', 0)",
      [stage, orgId, pipeline],
    ],
    [
      `insert into people (id, org_id, first_name, last_name, emails, phones)
       select gen_random_uuid(), $1, 'Pessoa ' || g, 'Sobrenome ' || (g % 997),
              array['pessoa' || g || '@exemplo.com.br'], array['+55119' || lpad(g::text, 8, '0')]
         from generate_series(1, ${ROWS}) g`,
      [orgId],
    ],
    [
      `insert into companies (id, org_id, name, tax_id)
       select gen_random_uuid(), $1, 'Empresa ' || g, lpad(g::text, 14, '0')
         from generate_series(1, ${ROWS}) g`,
      [orgId],
    ],
    [
      `insert into deals (id, org_id, title, currency, pipeline_id, stage_id)
       select gen_random_uuid(), $1, 'Negócio ' || g, 'BRL', $2, $3
         from generate_series(1, ${ROWS}) g`,
      [orgId, pipeline, stage],
    ],
    ["analyze people, companies, deals", []],
    ["set local enable_seqscan = off", []],
  ] as const) {
    await owner.query(statement, [...params]);
  }
}, 120_000);

afterAll(async () => {
  await owner.query("rollback");
  await owner.end();
});

describe("the search statement", () => {
  it.each(["joao", "conceição", "98765", "12.ABC.345/01DE-35"])(
    "reads people, companies and deals through their GIN indexes for %j",
    async (q) => {
      const query = new PgDialect().sqlToQuery(
        searchStatement({ orgId, q, limit: 20, kinds: ["person", "company", "deal"] }),
      );

      const { rows } = await owner.query(`explain (format json) ${query.sql}`, query.params);

      const plan = JSON.stringify(rows[0]);
      expect(indexesIn(plan)).toEqual(
        expect.arrayContaining(["people_search_idx", "companies_search_idx", "deals_search_idx"]),
      );
    },
  );
});

function indexesIn(plan: string): string[] {
  return [...plan.matchAll(/"Index Name":"([^"]+)"/g)].map((m) => m[1] ?? "");
}
