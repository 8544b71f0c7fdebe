import { describe, expect, it } from "vitest";
import { newTenant } from "../support/api.ts";
import {
  type ApiError,
  createCompany,
  createDeal,
  createPerson,
  createTag,
  type Deal,
  defaultPipeline,
  stageAt,
} from "../support/deals.ts";
import { addMember } from "../support/members.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";

/** Intl separates symbol and number with a no-break space; compare as people read it. */
const plain = (text: string) => text.replaceAll("\u00a0", " ");

type Detail = Deal & {
  people: { id: string; firstName: string }[];
  company: { id: string; name: string } | null;
  stageHistory: {
    stage: { id: string; name: string };
    fromStage: { id: string; name: string } | null;
    enteredAt: string;
    leftAt: string | null;
    movedBy: string;
  }[];
  timeline: { data: { kind: string; changes: Record<string, unknown> }[]; total: number };
};

describe("POST /api/v1/deals", () => {
  it("creates a deal in the default pipeline's first stage, owned by its creator", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);

    const res = await tenant.call<{ data: Deal }>("/api/v1/deals", {
      method: "POST",
      body: { title: " Café para 30 lojas ", amountMinor: 123456 },
    });

    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      title: "Café para 30 lojas",
      amountMinor: 123456,
      currency: "BRL",
      pipelineId: pipeline.id,
      stageId: stageAt(pipeline, 0).id,
      status: "open",
      probability: null,
      effectiveProbability: 10,
      ownerId: tenant.userId,
      companyId: null,
      personIds: [],
      lostReason: null,
      version: 1,
    });
    const read = await tenant.call<{ data: Detail }>(`/api/v1/deals/${res.body.data.id}`);
    expect(read.body.data.stageHistory).toMatchObject([
      { fromStage: null, stage: { id: stageAt(pipeline, 0).id }, leftAt: null },
    ]);
    expect(read.body.data.timeline.data.map((e) => e.kind)).toEqual(["created"]);
  });

  it.each([
    { language: "pt-BR", currency: "BRL", shown: "R$ 1.234,56", date: "20/02/2026" },
    { language: "pt-PT", currency: "EUR", shown: "1234,56 €", date: "20/02/2026" },
    { language: "en-US", currency: "USD", shown: "$1,234.56", date: "2/20/2026" },
  ])(
    "formats money and dates for $language: $shown, $date",
    async ({ language, currency, shown, date }) => {
      const tenant = await newTenant();

      const res = await tenant.call<{ data: Deal & { expectedCloseDateFormatted: string } }>(
        "/api/v1/deals",
        {
          method: "POST",
          headers: { "accept-language": language },
          body: {
            title: "Contrato",
            amountMinor: 123456,
            currency,
            expectedCloseDate: "2026-02-20",
          },
        },
      );

      expect(plain(res.body.data.amountFormatted)).toBe(shown);
      expect(res.body.data.expectedCloseDateFormatted).toBe(date);
      expect(res.body.data.expectedCloseDate).toBe("2026-02-20");
    },
  );

  it("links the company and people named, in the order given", async () => {
    const tenant = await newTenant();
    const company = await createCompany(tenant, "Padaria Aurora");
    const ana = await createPerson(tenant, "Ana");
    const bia = await createPerson(tenant, "Bia");

    const deal = await createDeal(tenant, {
      title: "Pães",
      companyId: company.id,
      personIds: [bia.id, ana.id],
      expectedCloseDate: "2026-02-20",
    });

    expect(deal.personIds).toEqual([bia.id, ana.id]);
    expect(deal.expectedCloseDate).toBe("2026-02-20");
    const read = await tenant.call<{ data: Detail }>(`/api/v1/deals/${deal.id}`);
    expect(read.body.data.company).toMatchObject({ id: company.id, name: "Padaria Aurora" });
    expect(read.body.data.people.map((p) => p.firstName)).toEqual(["Bia", "Ana"]);
  });

  it("creates a lost deal only with a lost reason", async () => {
    const tenant = await newTenant();
    const lost = stageAt(await defaultPipeline(tenant), 5);

    const without = await tenant.call<ApiError>("/api/v1/deals", {
      method: "POST",
      body: { title: "X", stageId: lost.id },
    });
    const withReason = await createDeal(tenant, {
      title: "X",
      stageId: lost.id,
      lostReason: "Preço",
    });

    expect(without.status).toBe(400);
    expect(without.body.error.details?.map((d) => d.path)).toEqual(["lostReason"]);
    expect(withReason).toMatchObject({ status: "lost", lostReason: "Preço" });
  });

  it.each([
    { problem: "the amount has decimals", body: { amountMinor: 12.5 }, path: "amountMinor" },
    { problem: "the amount is a string", body: { amountMinor: "1234,56" }, path: "amountMinor" },
    { problem: "the amount is negative", body: { amountMinor: -1 }, path: "amountMinor" },
    { problem: "the currency is unknown", body: { currency: "GBP" }, path: "currency" },
    {
      problem: "the date does not exist",
      body: { expectedCloseDate: "2026-02-30" },
      path: "expectedCloseDate",
    },
    {
      problem: "the date is a moment",
      body: { expectedCloseDate: "2026-02-20T10:00:00Z" },
      path: "expectedCloseDate",
    },
    { problem: "the probability is over 100", body: { probability: 101 }, path: "probability" },
    { problem: "the title is blank", body: { title: "  " }, path: "title" },
    {
      problem: "a person is listed twice",
      body: {
        personIds: ["0190b5a0-0000-7000-8000-000000000001", "0190b5a0-0000-7000-8000-000000000001"],
      },
      path: "personIds",
    },
    {
      problem: "a lost reason is given for an open stage",
      body: { lostReason: "Preço" },
      path: "lostReason",
    },
    {
      problem: "the stage does not exist",
      body: { stageId: crypto.randomUUID() },
      path: "stageId",
    },
    {
      problem: "the pipeline does not exist",
      body: { pipelineId: crypto.randomUUID() },
      path: "pipelineId",
    },
    {
      problem: "the company does not exist",
      body: { companyId: crypto.randomUUID() },
      path: "companyId",
    },
    {
      problem: "a person does not exist",
      body: { personIds: [crypto.randomUUID()] },
      path: "personIds.0",
    },
    { problem: "a tag does not exist", body: { tagIds: [crypto.randomUUID()] }, path: "tagIds.0" },
    {
      problem: "the owner is not a member",
      body: { ownerId: crypto.randomUUID() },
      path: "ownerId",
    },
    {
      problem: "a custom field is not defined",
      body: { custom: { segmento: "x" } },
      path: "custom.segmento",
    },
  ])("answers 400 naming $path when $problem", async ({ body, path }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/deals", {
      method: "POST",
      body: { title: "Contrato", ...body },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
    expect(await dealCount(tenant)).toBe(0);
  });

  it("checks custom values against the organisation's definitions for deals", async () => {
    const tenant = await newTenant();
    const defined = await tenant.call("/api/v1/custom-fields", {
      method: "POST",
      body: {
        entity: "deal",
        key: "origem",
        label: "Origem",
        type: "select",
        options: ["Feira", "Site"],
      },
    });
    expect(defined.status).toBe(201);

    const wrong = await tenant.call<ApiError>("/api/v1/deals", {
      method: "POST",
      body: { title: "X", custom: { origem: "Rádio" } },
    });
    const right = await createDeal(tenant, { title: "X", custom: { origem: "Feira" } });

    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details?.map((d) => d.path)).toEqual(["custom.origem"]);
    expect(right.custom).toEqual({ origem: "Feira" });
  });

  it("answers 400 when the stage belongs to another pipeline of the organisation", async () => {
    const tenant = await newTenant();
    const other = await tenant.call<{ data: { id: string; stages: { id: string }[] } }>(
      "/api/v1/pipelines",
      { method: "POST", body: { name: "Outro", stages: [{ name: "A" }] } },
    );
    const pipeline = await defaultPipeline(tenant);

    const res = await tenant.call<ApiError>("/api/v1/deals", {
      method: "POST",
      body: { title: "X", pipelineId: pipeline.id, stageId: other.body.data.stages[0]?.id },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["stageId"]);
  });

  it.each([
    { field: "org_id", value: crypto.randomUUID() },
    { field: "id", value: crypto.randomUUID() },
    { field: "version", value: 7 },
    { field: "stageEnteredAt", value: "2020-01-01T00:00:00Z" },
    { field: "createdBy", value: crypto.randomUUID() },
    { field: "deletedAt", value: "2020-01-01T00:00:00Z" },
  ])("refuses the unknown field $field", async ({ field, value }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/deals", {
      method: "POST",
      body: { title: "X", [field]: value },
    });

    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.details)).toContain(field);
  });

  it("refuses a viewer with 403", async () => {
    const owner = await newTenant();
    const viewer = await addMember(owner, "viewer");

    const res = await viewer.call<ApiError>("/api/v1/deals", {
      method: "POST",
      body: { title: "X" },
    });

    expect(res.status).toBe(403);
    expect(await dealCount(owner)).toBe(0);
  });

  it("lets a member create one", async () => {
    const owner = await newTenant();
    const member = await addMember(owner, "member");

    const deal = await createDeal(member, { title: "X" });

    expect(deal.ownerId).toBe(member.userId);
    expect(await dealCount(owner)).toBe(1);
  });
});

describe("PATCH /api/v1/deals/:id", () => {
  it("changes the fields sent, bumps the version and records old and new values", async () => {
    const tenant = await newTenant();
    const deal = await createDeal(tenant, { title: "Contrato", amountMinor: 1000 });

    const res = await tenant.call<{ data: Deal }>(`/api/v1/deals/${deal.id}`, {
      method: "PATCH",
      body: { version: 1, amountMinor: 250000, probability: 35, expectedCloseDate: "2026-03-31" },
    });

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      title: "Contrato",
      amountMinor: 250000,
      probability: 35,
      effectiveProbability: 35,
      expectedCloseDate: "2026-03-31",
      version: 2,
    });
    const detail = await tenant.call<{ data: Detail }>(`/api/v1/deals/${deal.id}`);
    expect(detail.body.data.timeline.data[0]).toMatchObject({
      kind: "updated",
      changes: {
        amountMinor: { old: 1000, new: 250000 },
        probability: { old: null, new: 35 },
        expectedCloseDate: { old: null, new: "2026-03-31" },
      },
    });
  });

  it("replaces the deal's people", async () => {
    const tenant = await newTenant();
    const [ana, bia, caio] = await Promise.all(
      ["Ana", "Bia", "Caio"].map((name) => createPerson(tenant, name)),
    );
    const deal = await createDeal(tenant, { title: "X", personIds: [ana?.id, bia?.id] });

    const res = await tenant.call<{ data: Deal }>(`/api/v1/deals/${deal.id}`, {
      method: "PATCH",
      body: { version: 1, personIds: [bia?.id, caio?.id] },
    });

    expect(res.body.data.personIds).toEqual([bia?.id, caio?.id]);
  });

  it("answers 409 VERSION_CONFLICT to the second of two edits of the same version", async () => {
    const tenant = await newTenant();
    const deal = await createDeal(tenant, { title: "Contrato" });

    const first = await tenant.call(`/api/v1/deals/${deal.id}`, {
      method: "PATCH",
      body: { version: 1, title: "Primeira" },
    });
    const second = await tenant.call<ApiError>(`/api/v1/deals/${deal.id}`, {
      method: "PATCH",
      body: { version: 1, title: "Segunda" },
    });

    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("VERSION_CONFLICT");
    const read = await tenant.call<{ data: Deal }>(`/api/v1/deals/${deal.id}`);
    expect(read.body.data).toMatchObject({ title: "Primeira", version: 2 });
  });

  it("answers exactly one of two simultaneous edits of the same version; the other gets 409", async () => {
    const tenant = await newTenant();
    const deal = await createDeal(tenant, { title: "Contrato" });

    const results = await Promise.all(
      ["A", "B", "C"].map((title) =>
        tenant.call(`/api/v1/deals/${deal.id}`, { method: "PATCH", body: { version: 1, title } }),
      ),
    );

    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const detail = await tenant.call<{ data: Detail }>(`/api/v1/deals/${deal.id}`);
    expect(detail.body.data.version).toBe(2);
    expect(detail.body.data.timeline.data.filter((e) => e.kind === "updated")).toHaveLength(1);
  });

  it("answers 400 without a version, and to a body that changes nothing", async () => {
    const tenant = await newTenant();
    const deal = await createDeal(tenant, { title: "Contrato" });

    const noVersion = await tenant.call<ApiError>(`/api/v1/deals/${deal.id}`, {
      method: "PATCH",
      body: { title: "X" },
    });
    const nothing = await tenant.call<ApiError>(`/api/v1/deals/${deal.id}`, {
      method: "PATCH",
      body: { version: 1 },
    });

    expect(noVersion.status).toBe(400);
    expect(noVersion.body.error.details?.map((d) => d.path)).toContain("version");
    expect(nothing.status).toBe(400);
  });

  it("moves the deal when the stage changes, like POST /move", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);
    const deal = await createDeal(tenant, { title: "Contrato" });

    const res = await tenant.call<{ data: Deal }>(`/api/v1/deals/${deal.id}`, {
      method: "PATCH",
      body: { version: 1, stageId: stageAt(pipeline, 2).id },
    });

    expect(res.body.data).toMatchObject({ stageId: stageAt(pipeline, 2).id, version: 2 });
    expect(Date.parse(res.body.data.stageEnteredAt)).toBeGreaterThan(
      Date.parse(deal.stageEnteredAt),
    );
    const detail = await tenant.call<{ data: Detail }>(`/api/v1/deals/${deal.id}`);
    expect(detail.body.data.stageHistory).toHaveLength(2);
    expect(detail.body.data.timeline.data.map((e) => e.kind)).toEqual(["stage_moved", "created"]);
  });

  it("moves the deal to another pipeline's first open stage when only the pipeline is named", async () => {
    const tenant = await newTenant();
    const other = await tenant.call<{ data: { id: string; stages: { id: string }[] } }>(
      "/api/v1/pipelines",
      {
        method: "POST",
        body: { name: "Outro", stages: [{ name: "W", kind: "won" }, { name: "A" }] },
      },
    );
    const deal = await createDeal(tenant, { title: "Contrato" });

    const res = await tenant.call<{ data: Deal }>(`/api/v1/deals/${deal.id}`, {
      method: "PATCH",
      body: { version: 1, pipelineId: other.body.data.id },
    });

    expect(res.body.data).toMatchObject({
      pipelineId: other.body.data.id,
      stageId: other.body.data.stages[1]?.id,
    });
  });
});

describe("POST /api/v1/deals/:id/move", () => {
  it("records the move in the stage history and on the timeline, in the same batch", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);
    const deal = await createDeal(tenant, { title: "Contrato" });

    const res = await tenant.call<{ data: Deal }>(`/api/v1/deals/${deal.id}/move`, {
      method: "POST",
      body: { version: 1, stageId: stageAt(pipeline, 3).id },
    });

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      stageId: stageAt(pipeline, 3).id,
      effectiveProbability: 70,
    });
    const detail = (await tenant.call<{ data: Detail }>(`/api/v1/deals/${deal.id}`)).body.data;
    expect(detail.stageHistory).toMatchObject([
      { fromStage: null, stage: { id: stageAt(pipeline, 0).id, name: "Qualified" } },
      {
        fromStage: { id: stageAt(pipeline, 0).id, name: "Qualified" },
        stage: { id: stageAt(pipeline, 3).id, name: "Negotiation" },
        leftAt: null,
        movedBy: tenant.userId,
      },
    ]);
    expect(detail.stageHistory[0]?.leftAt).toBe(detail.stageHistory[1]?.enteredAt);
    expect(detail.timeline.data[0]).toEqual(
      expect.objectContaining({
        kind: "stage_moved",
        changes: {
          stage: {
            old: { id: stageAt(pipeline, 0).id, name: "Qualified" },
            new: { id: stageAt(pipeline, 3).id, name: "Negotiation" },
          },
        },
      }),
    );
  });

  it("requires a lost reason to move into a lost stage, and drops it when the deal reopens", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);
    const deal = await createDeal(tenant, { title: "Contrato" });
    const lost = stageAt(pipeline, 5).id;

    const without = await tenant.call<ApiError>(`/api/v1/deals/${deal.id}/move`, {
      method: "POST",
      body: { version: 1, stageId: lost },
    });
    const lostMove = await tenant.call<{ data: Deal }>(`/api/v1/deals/${deal.id}/move`, {
      method: "POST",
      body: { version: 1, stageId: lost, lostReason: "Escolheu o concorrente" },
    });
    const reopened = await tenant.call<{ data: Deal }>(`/api/v1/deals/${deal.id}/move`, {
      method: "POST",
      body: { version: 2, stageId: stageAt(pipeline, 1).id },
    });

    expect(without.status).toBe(400);
    expect(without.body.error.details?.map((d) => d.path)).toEqual(["lostReason"]);
    expect(lostMove.body.data).toMatchObject({
      status: "lost",
      lostReason: "Escolheu o concorrente",
    });
    expect(reopened.body.data).toMatchObject({ status: "open", lostReason: null, version: 3 });
  });

  it("answers 409 to a move of an old version, and moves nothing", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);
    const deal = await createDeal(tenant, { title: "Contrato" });
    await tenant.call(`/api/v1/deals/${deal.id}`, {
      method: "PATCH",
      body: { version: 1, title: "Y" },
    });

    const res = await tenant.call<ApiError>(`/api/v1/deals/${deal.id}/move`, {
      method: "POST",
      body: { version: 1, stageId: stageAt(pipeline, 4).id },
    });

    expect(res.status).toBe(409);
    const detail = (await tenant.call<{ data: Detail }>(`/api/v1/deals/${deal.id}`)).body.data;
    expect(detail.stageId).toBe(stageAt(pipeline, 0).id);
    expect(detail.stageHistory).toHaveLength(1);
  });
});

describe("DELETE /api/v1/deals/:id and POST /api/v1/deals/:id/restore", () => {
  it("puts the deal in the trash, out of reads and lists, and restores it", async () => {
    const tenant = await newTenant();
    const deal = await createDeal(tenant, { title: "Contrato" });

    const deleted = await tenant.call(`/api/v1/deals/${deal.id}`, { method: "DELETE" });
    const readTrashed = await tenant.call(`/api/v1/deals/${deal.id}`);
    const patchTrashed = await tenant.call(`/api/v1/deals/${deal.id}`, {
      method: "PATCH",
      body: { version: 2, title: "X" },
    });
    const listTrashed = await dealCount(tenant);
    const restored = await tenant.call<{ data: Deal }>(`/api/v1/deals/${deal.id}/restore`, {
      method: "POST",
    });
    const again = await tenant.call(`/api/v1/deals/${deal.id}/restore`, { method: "POST" });

    expect(deleted.status).toBe(204);
    expect(readTrashed.status).toBe(404);
    expect(patchTrashed.status).toBe(404);
    expect(listTrashed).toBe(0);
    expect(restored.status).toBe(200);
    expect(restored.body.data).toMatchObject({ id: deal.id, title: "Contrato", version: 3 });
    expect(again.status).toBe(404);
    const detail = await tenant.call<{ data: Detail }>(`/api/v1/deals/${deal.id}`);
    expect(detail.body.data.timeline.data.map((e) => e.kind)).toEqual([
      "restored",
      "deleted",
      "created",
    ]);
  });
});

describe("another organisation's deal", () => {
  it.each([
    { method: "GET", path: "" },
    { method: "GET", path: "/timeline" },
    { method: "PATCH", path: "", body: { version: 1, title: "Mine" } },
    { method: "POST", path: "/move", body: { version: 1, stageId: crypto.randomUUID() } },
    { method: "DELETE", path: "" },
    { method: "POST", path: "/restore" },
  ])("answers 404 to $method $path and changes nothing", async ({ method, path, body }) => {
    const [attacker, victim] = await Promise.all([newTenant("Attacker"), newTenant("Victim")]);
    const theirs = await createDeal(victim, { title: "Segredo" });

    const res = await attacker.call<ApiError>(`/api/v1/deals/${theirs.id}${path}`, {
      method,
      body,
    });

    expect(res.status).toBe(404);
    const read = await victim.call<{ data: Deal }>(`/api/v1/deals/${theirs.id}`);
    expect(read.body.data).toMatchObject({ title: "Segredo", version: 1 });
  });

  it.each([
    {
      field: "stageId",
      make: async (v: Awaited<ReturnType<typeof newTenant>>) => ({
        stageId: stageAt(await defaultPipeline(v), 1).id,
      }),
    },
    {
      field: "pipelineId",
      make: async (v: Awaited<ReturnType<typeof newTenant>>) => ({
        pipelineId: (await defaultPipeline(v)).id,
      }),
    },
    {
      field: "companyId",
      make: async (v: Awaited<ReturnType<typeof newTenant>>) => ({
        companyId: (await createCompany(v, "Deles")).id,
      }),
    },
    {
      field: "personIds.0",
      make: async (v: Awaited<ReturnType<typeof newTenant>>) => ({
        personIds: [(await createPerson(v, "Deles")).id],
      }),
    },
    {
      field: "tagIds.0",
      make: async (v: Awaited<ReturnType<typeof newTenant>>) => ({
        tagIds: [(await createTag(v, "deal", "VIP")).id],
      }),
    },
    {
      field: "ownerId",
      make: async (v: Awaited<ReturnType<typeof newTenant>>) => ({ ownerId: v.userId }),
    },
  ])(
    "is never linked: its $field is a validation error on create and update",
    async ({ field, make }) => {
      const [attacker, victim] = await Promise.all([newTenant("Attacker"), newTenant("Victim")]);
      const foreign = await make(victim);
      const mine = await createDeal(attacker, { title: "Meu" });

      const created = await attacker.call<ApiError>("/api/v1/deals", {
        method: "POST",
        body: { title: "X", ...foreign },
      });
      const updated = await attacker.call<ApiError>(`/api/v1/deals/${mine.id}`, {
        method: "PATCH",
        body: { version: 1, ...foreign },
      });

      for (const res of [created, updated]) {
        expect(res.status).toBe(400);
        expect(res.body.error.details?.map((d) => d.path)).toContain(field);
      }
      expect(await dealCount(attacker)).toBe(1);
    },
  );
});

// The role matrix and the cross-site checks of these routes are in deals-security.test.ts.
describe("every deal route", () => {
  it.each([
    { method: "GET", path: "" },
    { method: "POST", path: "", body: { title: "X" } },
    { method: "GET", path: "/:id" },
    { method: "GET", path: "/:id/timeline" },
    { method: "PATCH", path: "/:id", body: { version: 1, title: "Y" } },
    { method: "POST", path: "/:id/move", body: { version: 1, stageId: crypto.randomUUID() } },
    { method: "DELETE", path: "/:id" },
    { method: "POST", path: "/:id/restore" },
  ])("refuses $method $path without a valid session", async ({ method, path, body }) => {
    const owner = await newTenant();
    const deal = await createDeal(owner, { title: "X" });

    await expectRouteRefusesWithoutValidSession(
      { method, path: `/api/v1/deals${path.replace(":id", deal.id)}`, body },
      owner,
    );
  });

  it.each([
    { method: "PATCH", path: "/:id", body: { version: 1, title: "Y" } },
    { method: "POST", path: "/:id/move", body: { version: 1, stageId: crypto.randomUUID() } },
    { method: "DELETE", path: "/:id" },
    { method: "POST", path: "/:id/restore" },
  ])("refuses $method $path to a viewer with 403", async ({ method, path, body }) => {
    const owner = await newTenant();
    const viewer = await addMember(owner, "viewer");
    const deal = await createDeal(owner, { title: "X" });

    const res = await viewer.call<ApiError>(`/api/v1/deals${path.replace(":id", deal.id)}`, {
      method,
      body,
    });

    expect(res.status).toBe(403);
    const read = await owner.call<{ data: Deal }>(`/api/v1/deals/${deal.id}`);
    expect(read.body.data).toMatchObject({ title: "X", version: 1 });
  });
});

async function dealCount(tenant: Awaited<ReturnType<typeof newTenant>>): Promise<number> {
  const res = await tenant.call<{ total: number }>("/api/v1/deals");
  return res.body.total;
}
