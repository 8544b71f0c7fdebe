import { beforeAll, describe, expect, it } from "vitest";
import { minRoleFor } from "../../src/access/roles.ts";
import { newTenant, type Tenant } from "../support/api.ts";
import { type ApiError, createCompany, createPerson } from "../support/crm-records.ts";
import { expectRoleMatrix } from "../support/crm-security.ts";
import { createDeal } from "../support/deals.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";
import { newTeam } from "../support/team.ts";

type Hit = { kind: string; id: string; title: string; subtitle: string | null; rank: number };

const JOAO = "João Conceição";
const MARIA = "Maria da Conceição Silva";
const ACAI = "Açaí da Conceição Ltda";
const AURORA = "Padaria Aurora";
const DEAL = "Fornecimento de pão de queijo";

let tenant: Tenant;

// One organisation for the read-only cases (searching changes nothing); the tests that need
// their own data make a fresh one.
beforeAll(async () => {
  tenant = await newTenant("Busca");
  await createPerson(tenant, {
    firstName: "João",
    lastName: "Conceição",
    emails: ["joao.conceicao@exemplo.com.br"],
    phones: ["(11) 98765-4321"],
    cpf: "529.982.247-25",
  });
  await createPerson(tenant, { firstName: "Maria", lastName: "da Conceição Silva" });
  await createPerson(tenant, { firstName: "Ana", lastName: "Souza" });
  await createCompany(tenant, { name: ACAI, taxId: "11.222.333/0001-81" });
  await createCompany(tenant, { name: AURORA, taxId: "12.ABC.345/01DE-35" });
  await createDeal(tenant, { title: DEAL });
});

describe("GET /api/v1/search", () => {
  it.each([
    { q: "joao", titles: [JOAO] },
    { q: "JOÃO", titles: [JOAO] },
    { q: "Joa\u0303o", titles: [JOAO] },
    { q: "CONCEICAO", titles: [JOAO, MARIA, ACAI] },
    { q: "conceição", titles: [JOAO, MARIA, ACAI] },
    { q: "conc", titles: [JOAO, MARIA, ACAI] },
    { q: "maria conceicao", titles: [MARIA] },
    { q: "acai", titles: [ACAI] },
    { q: "AÇAÍ", titles: [ACAI] },
    { q: "pao de queijo", titles: [DEAL] },
    { q: "98765", titles: [JOAO] },
    { q: "(11) 98765-4321", titles: [JOAO] },
    { q: "+55 11 98765-4321", titles: [JOAO] },
    { q: "11987654321", titles: [JOAO] },
    { q: "joao.conceicao@exemplo", titles: [JOAO] },
    { q: "joao.conceicao@exemplo.com.br", titles: [JOAO] },
    { q: "529.982.247-25", titles: [JOAO] },
    { q: "5299822", titles: [JOAO] },
    { q: "11.222.333/0001-81", titles: [ACAI] },
    { q: "11222333", titles: [ACAI] },
    { q: "12.ABC.345/01DE-35", titles: [AURORA] },
    { q: "12abc", titles: [AURORA] },
    { q: "souza ana", titles: ["Ana Souza"] },
    { q: "zzz", titles: [] },
  ])("finds $titles for $q", async ({ q, titles }) => {
    const res = await tenant.call<{ data: Hit[] }>(`/api/v1/search?q=${encodeURIComponent(q)}`);

    expect(res.status).toBe(200);
    expect(res.body.data.map((h) => h.title).sort()).toEqual([...titles].sort());
  });

  it("says what kind each hit is, with an id and a subtitle", async () => {
    const res = await tenant.call<{ data: Hit[] }>("/api/v1/search?q=conceicao");

    expect(res.body.data.map((h) => [h.kind, h.title]).sort()).toEqual([
      ["company", ACAI],
      ["person", JOAO],
      ["person", MARIA],
    ]);
    expect(res.body.data.find((h) => h.title === JOAO)?.subtitle).toBe(
      "joao.conceicao@exemplo.com.br",
    );
  });

  it("searches only the kinds asked for, and at most `limit` hits", async () => {
    const people = await tenant.call<{ data: Hit[] }>("/api/v1/search?q=conceicao&kinds=person");
    const one = await tenant.call<{ data: Hit[] }>("/api/v1/search?q=conceicao&limit=1");

    expect(people.body.data.map((h) => h.kind)).toEqual(["person", "person"]);
    expect(one.body.data).toHaveLength(1);
  });

  it("ranks a record that matches more of the words first", async () => {
    const own = await newTenant();
    await createPerson(own, { firstName: "Beatriz", lastName: "Costa" });
    await createPerson(own, { firstName: "Costa", lastName: "Costa Costa" });

    const res = await own.call<{ data: Hit[] }>("/api/v1/search?q=costa");

    expect(res.body.data.map((h) => h.title)).toEqual(["Costa Costa Costa", "Beatriz Costa"]);
    expect(res.body.data[0]?.rank).toBeGreaterThan(res.body.data[1]?.rank ?? 0);
  });

  it("finds nothing in the trash or in another organisation", async () => {
    const [own, other] = await Promise.all([newTenant("Own"), newTenant("Other")]);
    const trashed = await createPerson(own, { firstName: "Joaquim", lastName: "Lixeira" });
    await own.call(`/api/v1/people/${trashed.id}`, { method: "DELETE" });
    await createPerson(other, { firstName: "Joaquim", lastName: "Alheio" });

    const res = await own.call<{ data: Hit[] }>("/api/v1/search?q=joaquim");

    expect(res.body.data).toEqual([]);
  });

  it.each([
    "",
    "q=",
    "q=%20%20",
    "q=---",
    `q=${"a".repeat(201)}`,
    "q=ana&kinds=contact",
    "q=a&x=1",
  ])("answers 400 VALIDATION_FAILED to ?%s", async (query) => {
    const res = await tenant.call<ApiError>(`/api/v1/search?${query}`);

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession(
      { method: "GET", path: "/api/v1/search?q=joao" },
      tenant,
    );
  });

  it("lets every role search, a viewer and up", async () => {
    await expectRoleMatrix(
      {
        route: "GET /search",
        minimum: minRoleFor("crm.read"),
        make: async () => ({ method: "GET", path: "/api/v1/search?q=ana" }),
      },
      await newTeam("Busca"),
    );
  });
});
