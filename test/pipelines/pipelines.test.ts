import { describe, expect, it } from "vitest";
import { newTenant, type Tenant } from "../support/api.ts";
import { addMember, newTenantSpeaking } from "../support/members.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";

type Stage = { id: string; name: string; position: number; kind: string; probability: number };
type Pipeline = { id: string; name: string; isDefault: boolean; position: number; stages: Stage[] };
type ApiError = { error: { code: string; details?: { path: string; message: string }[] } };

describe("the default pipeline of a new organisation", () => {
  it.each([
    {
      language: "pt-BR,pt;q=0.9",
      name: "Vendas",
      stages: [
        "Qualificação",
        "Contato feito",
        "Proposta enviada",
        "Negociação",
        "Ganho",
        "Perdido",
      ],
    },
    {
      language: "pt-PT",
      name: "Vendas",
      stages: [
        "Qualificação",
        "Contacto feito",
        "Proposta enviada",
        "Negociação",
        "Ganho",
        "Perdido",
      ],
    },
    {
      language: "en-GB,en;q=0.8",
      name: "Sales",
      stages: ["Qualified", "Contact made", "Proposal sent", "Negotiation", "Won", "Lost"],
    },
  ])("is named in the sign-up's language ($language)", async ({ language, name, stages }) => {
    const tenant = await newTenantSpeaking(language);

    const res = await tenant.call<{ data: Pipeline[]; total: number }>("/api/v1/pipelines");

    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    const [pipeline] = res.body.data;
    expect(pipeline).toMatchObject({ name, isDefault: true });
    expect(pipeline?.stages.map((s) => s.name)).toEqual(stages);
    expect(pipeline?.stages.map((s) => s.kind)).toEqual([
      "open",
      "open",
      "open",
      "open",
      "won",
      "lost",
    ]);
    expect(pipeline?.stages.map((s) => s.probability)).toEqual([10, 20, 50, 70, 100, 0]);
    expect(pipeline?.stages.map((s) => s.position)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("POST /api/v1/pipelines", () => {
  it("creates a pipeline with ordered stages, last in the list", async () => {
    const tenant = await newTenant();

    const res = await createPipeline(tenant, {
      name: " Parcerias ",
      stages: [
        { name: "Contato" },
        { name: "Contrato", probability: 80 },
        { name: "Fechado", kind: "won" },
        { name: "Desistiu", kind: "lost" },
      ],
    });

    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ name: "Parcerias", isDefault: false, position: 1 });
    expect(res.body.data.stages).toMatchObject([
      { name: "Contato", kind: "open", probability: 0, position: 0 },
      { name: "Contrato", kind: "open", probability: 80, position: 1 },
      { name: "Fechado", kind: "won", probability: 100, position: 2 },
      { name: "Desistiu", kind: "lost", probability: 0, position: 3 },
    ]);
    const list = await tenant.call<{ data: Pipeline[] }>("/api/v1/pipelines");
    expect(list.body.data.map((p) => p.name)).toEqual(["Sales", "Parcerias"]);
  });

  it("makes the new pipeline the only default when asked", async () => {
    const tenant = await newTenant();

    await createPipeline(tenant, { name: "Novo", isDefault: true, stages: [{ name: "A" }] });

    const list = await tenant.call<{ data: Pipeline[] }>("/api/v1/pipelines");
    expect(list.body.data.map((p) => [p.name, p.isDefault])).toEqual([
      ["Sales", false],
      ["Novo", true],
    ]);
  });

  it.each([
    { problem: "name is blank", body: { name: " ", stages: [{ name: "A" }] }, path: "name" },
    { problem: "there are no stages", body: { name: "P", stages: [] }, path: "stages" },
    {
      problem: "no stage is open",
      body: { name: "P", stages: [{ name: "W", kind: "won" }] },
      path: "stages",
    },
    {
      problem: "a probability is above 100",
      body: { name: "P", stages: [{ name: "A", probability: 101 }] },
      path: "stages.0.probability",
    },
    {
      problem: "a kind is unknown",
      body: { name: "P", stages: [{ name: "A", kind: "paused" }] },
      path: "stages.0.kind",
    },
    {
      problem: "isDefault is false",
      body: { name: "P", isDefault: false, stages: [{ name: "A" }] },
      path: "isDefault",
    },
    {
      problem: "org_id is sent",
      body: { name: "P", org_id: crypto.randomUUID(), stages: [{ name: "A" }] },
      path: "",
    },
  ])("answers 400 naming the field when $problem", async ({ body, path }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/pipelines", { method: "POST", body });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
    expect((await listPipelines(tenant)).length).toBe(1);
  });

  it.each(["member", "viewer"] as const)("refuses a %s with 403", async (role) => {
    const owner = await newTenant();
    const someone = await addMember(owner, role);

    const res = await someone.call<ApiError>("/api/v1/pipelines", {
      method: "POST",
      body: { name: "P", stages: [{ name: "A" }] },
    });

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect((await listPipelines(owner)).length).toBe(1);
  });

  it("lets an admin create one", async () => {
    const owner = await newTenant();
    const admin = await addMember(owner, "admin");

    const res = await createPipeline(admin, { name: "P", stages: [{ name: "A" }] });

    expect(res.status).toBe(201);
    expect((await listPipelines(owner)).length).toBe(2);
  });
});

describe("GET /api/v1/pipelines", () => {
  it("pages with a cursor and counts the total", async () => {
    const tenant = await newTenant();
    await createPipeline(tenant, { name: "Dois", stages: [{ name: "A" }] });
    await createPipeline(tenant, { name: "Três", stages: [{ name: "A" }] });

    const first = await tenant.call<{ data: Pipeline[]; nextCursor: string; total: number }>(
      "/api/v1/pipelines?limit=2",
    );
    const second = await tenant.call<{ data: Pipeline[]; nextCursor: string | null }>(
      `/api/v1/pipelines?limit=2&cursor=${first.body.nextCursor}`,
    );

    expect(first.body.total).toBe(3);
    expect(first.body.data.map((p) => p.name)).toEqual(["Sales", "Dois"]);
    expect(second.body.data.map((p) => p.name)).toEqual(["Três"]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("lets a viewer read", async () => {
    const owner = await newTenant();
    const viewer = await addMember(owner, "viewer");

    const res = await viewer.call<{ data: Pipeline[] }>("/api/v1/pipelines");

    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
  });

  it("answers 400 to a cursor that was not made by this list", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/pipelines?cursor=bm90LWEtY3Vyc29y");

    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe("cursor");
  });
});

describe("PATCH /api/v1/pipelines/:id", () => {
  it("renames, moves and makes a pipeline the default", async () => {
    const tenant = await newTenant();
    const created = (await createPipeline(tenant, { name: "P", stages: [{ name: "A" }] })).body
      .data;

    const res = await tenant.call<{ data: Pipeline }>(`/api/v1/pipelines/${created.id}`, {
      method: "PATCH",
      body: { name: "Renovações", isDefault: true, position: 0 },
    });

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: "Renovações", isDefault: true, position: 0 });
    const defaults = (await listPipelines(tenant)).filter((p) => p.isDefault);
    expect(defaults.map((p) => p.id)).toEqual([created.id]);
  });

  it("refuses a member with 403 and changes nothing", async () => {
    const owner = await newTenant();
    const member = await addMember(owner, "member");
    const [pipeline] = await listPipelines(owner);

    const res = await member.call(`/api/v1/pipelines/${pipeline?.id}`, {
      method: "PATCH",
      body: { name: "Hijacked" },
    });

    expect(res.status).toBe(403);
    expect((await listPipelines(owner))[0]?.name).toBe("Sales");
  });
});

describe("DELETE /api/v1/pipelines/:id", () => {
  it("deletes a pipeline without deals, stages and all", async () => {
    const tenant = await newTenant();
    const created = (await createPipeline(tenant, { name: "P", stages: [{ name: "A" }] })).body
      .data;

    const res = await tenant.call(`/api/v1/pipelines/${created.id}`, { method: "DELETE" });

    expect(res.status).toBe(204);
    expect((await tenant.call(`/api/v1/pipelines/${created.id}`)).status).toBe(404);
  });

  it("refuses to delete the default pipeline, naming why", async () => {
    const tenant = await newTenant();
    const [pipeline] = await listPipelines(tenant);

    const res = await tenant.call<ApiError>(`/api/v1/pipelines/${pipeline?.id}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe("id");
  });

  it("refuses with 409 PIPELINE_HAS_DEALS while it has deals, even trashed ones", async () => {
    const tenant = await newTenant();
    const created = (await createPipeline(tenant, { name: "P", stages: [{ name: "A" }] })).body
      .data;
    const deal = await tenant.call<{ data: { id: string } }>("/api/v1/deals", {
      method: "POST",
      body: { title: "Contrato", pipelineId: created.id },
    });
    await tenant.call(`/api/v1/deals/${deal.body.data.id}`, { method: "DELETE" });

    const res = await tenant.call<ApiError>(`/api/v1/pipelines/${created.id}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("PIPELINE_HAS_DEALS");
    expect((await tenant.call(`/api/v1/pipelines/${created.id}`)).status).toBe(200);
  });
});

describe("another organisation's pipeline", () => {
  it.each([
    { method: "GET", path: "" },
    { method: "GET", path: "/summary" },
    { method: "PATCH", path: "", body: { name: "Mine now" } },
    { method: "DELETE", path: "" },
    { method: "POST", path: "/stages", body: { name: "Planted" } },
    { method: "PUT", path: "/stages/order", body: { stageIds: [crypto.randomUUID()] } },
  ])("answers 404 to $method $path and changes nothing", async ({ method, path, body }) => {
    const [attacker, victim] = await Promise.all([newTenant("Attacker"), newTenant("Victim")]);
    const [theirs] = await listPipelines(victim);

    const res = await attacker.call<ApiError>(`/api/v1/pipelines/${theirs?.id}${path}`, {
      method,
      body,
    });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect(await listPipelines(victim)).toEqual([theirs]);
  });

  it.each([
    { method: "PATCH", body: { name: "Mine now" } },
    { method: "DELETE", body: undefined },
  ])("answers 404 to $method of one of its stages", async ({ method, body }) => {
    const [attacker, victim] = await Promise.all([newTenant("Attacker"), newTenant("Victim")]);
    const [theirs] = await listPipelines(victim);
    const [mine] = await listPipelines(attacker);

    // Their stage under their pipeline id, and under the attacker's own pipeline id.
    for (const pipelineId of [theirs?.id, mine?.id]) {
      const res = await attacker.call(
        `/api/v1/pipelines/${pipelineId}/stages/${theirs?.stages[0]?.id}`,
        { method, body },
      );
      expect(res.status).toBe(404);
    }
    expect(await listPipelines(victim)).toEqual([theirs]);
  });
});

// The role matrix and the cross-site checks of these routes are in pipelines-security.test.ts.
describe("every pipeline route", () => {
  it.each([
    { method: "GET", path: "" },
    { method: "POST", path: "", body: { name: "P", stages: [{ name: "A" }] } },
    { method: "GET", path: "/:id" },
    { method: "GET", path: "/:id/summary" },
    { method: "PATCH", path: "/:id", body: { name: "P" } },
    { method: "DELETE", path: "/:id" },
    { method: "POST", path: "/:id/stages", body: { name: "S" } },
    { method: "PUT", path: "/:id/stages/order", body: { stageIds: [crypto.randomUUID()] } },
    { method: "PATCH", path: "/:id/stages/:stageId", body: { name: "S" } },
    { method: "DELETE", path: "/:id/stages/:stageId" },
  ])("refuses $method $path without a valid session", async ({ method, path, body }) => {
    const owner = await newTenant();
    const [pipeline] = await listPipelines(owner);
    const url = `/api/v1/pipelines${path}`
      .replace(":id", pipeline?.id ?? "")
      .replace(":stageId", pipeline?.stages[0]?.id ?? "");

    await expectRouteRefusesWithoutValidSession({ method, path: url, body }, owner);
  });
});

async function createPipeline(tenant: Tenant, body: Record<string, unknown>) {
  return tenant.call<{ data: Pipeline }>("/api/v1/pipelines", { method: "POST", body });
}

async function listPipelines(tenant: Tenant): Promise<Pipeline[]> {
  const res = await tenant.call<{ data: Pipeline[] }>("/api/v1/pipelines");
  return res.body.data;
}
