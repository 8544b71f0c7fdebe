import { describe, expect, it } from "vitest";
import { newTenant } from "../support/api.ts";
import {
  type ApiError,
  createDeal,
  type Deal,
  defaultPipeline,
  type Pipeline,
  stageAt,
} from "../support/deals.ts";
import { addMember } from "../support/members.ts";

const names = (pipeline: Pipeline) => pipeline.stages.map((s) => s.name);
const positions = (pipeline: Pipeline) => pipeline.stages.map((s) => s.position);

describe("POST /api/v1/pipelines/:id/stages", () => {
  it.each([
    { position: undefined, at: 6 },
    { position: 0, at: 0 },
    { position: 2, at: 2 },
    { position: 99, at: 6 },
  ])(
    "inserts a stage at $position (lands at $at) and keeps positions contiguous",
    async ({ position, at }) => {
      const tenant = await newTenant();
      const pipeline = await defaultPipeline(tenant);

      const res = await tenant.call<{ data: Pipeline }>(`/api/v1/pipelines/${pipeline.id}/stages`, {
        method: "POST",
        body: { name: "Demonstração", probability: 40, position },
      });

      expect(res.status).toBe(201);
      expect(res.body.data.stages[at]).toMatchObject({
        name: "Demonstração",
        kind: "open",
        probability: 40,
      });
      expect(positions(res.body.data)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    },
  );

  it("refuses a member with 403", async () => {
    const owner = await newTenant();
    const member = await addMember(owner, "member");
    const pipeline = await defaultPipeline(owner);

    const res = await member.call(`/api/v1/pipelines/${pipeline.id}/stages`, {
      method: "POST",
      body: { name: "X" },
    });

    expect(res.status).toBe(403);
    expect((await defaultPipeline(owner)).stages).toHaveLength(6);
  });
});

describe("PATCH /api/v1/pipelines/:id/stages/:stageId", () => {
  it("renames a stage and changes its default probability", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);
    const deal = await createDeal(tenant, { title: "X", stageId: stageAt(pipeline, 1).id });

    const res = await tenant.call<{ data: Pipeline }>(
      `/api/v1/pipelines/${pipeline.id}/stages/${stageAt(pipeline, 1).id}`,
      { method: "PATCH", body: { name: "Primeiro contato", probability: 25 } },
    );

    expect(res.status).toBe(200);
    expect(res.body.data.stages[1]).toMatchObject({ name: "Primeiro contato", probability: 25 });
    const read = await tenant.call<{ data: Deal }>(`/api/v1/deals/${deal.id}`);
    expect(read.body.data.effectiveProbability).toBe(25);
  });

  it("refuses to turn the last open stage into a won one", async () => {
    const tenant = await newTenant();
    const created = await tenant.call<{ data: Pipeline }>("/api/v1/pipelines", {
      method: "POST",
      body: {
        name: "P",
        stages: [
          { name: "Só", kind: "open" },
          { name: "W", kind: "won" },
        ],
      },
    });
    const only = stageAt(created.body.data, 0);

    const res = await tenant.call<ApiError>(
      `/api/v1/pipelines/${created.body.data.id}/stages/${only.id}`,
      { method: "PATCH", body: { kind: "won" } },
    );

    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe("kind");
  });

  it("answers 404 for a stage of another pipeline of the same organisation", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);
    const other = await tenant.call<{ data: Pipeline }>("/api/v1/pipelines", {
      method: "POST",
      body: { name: "P", stages: [{ name: "A" }] },
    });

    const res = await tenant.call(
      `/api/v1/pipelines/${pipeline.id}/stages/${stageAt(other.body.data, 0).id}`,
      { method: "PATCH", body: { name: "X" } },
    );

    expect(res.status).toBe(404);
  });
});

describe("PUT /api/v1/pipelines/:id/stages/order", () => {
  it("puts the stages in the order sent", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);
    const reversed = [...pipeline.stages].reverse().map((s) => s.id);

    const res = await tenant.call<{ data: Pipeline }>(
      `/api/v1/pipelines/${pipeline.id}/stages/order`,
      { method: "PUT", body: { stageIds: reversed } },
    );

    expect(res.status).toBe(200);
    expect(res.body.data.stages.map((s) => s.id)).toEqual(reversed);
    expect(positions(res.body.data)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it.each([
    { problem: "a stage is missing", ids: (p: Pipeline) => p.stages.slice(1).map((s) => s.id) },
    {
      problem: "a stage is unknown",
      ids: (p: Pipeline) => [...p.stages.slice(1).map((s) => s.id), crypto.randomUUID()],
    },
    {
      problem: "a stage is listed twice",
      ids: (p: Pipeline) => [...p.stages.map((s) => s.id), stageAt(p, 0).id],
    },
  ])("answers 400 on stageIds when $problem, and reorders nothing", async ({ ids }) => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);

    const res = await tenant.call<ApiError>(`/api/v1/pipelines/${pipeline.id}/stages/order`, {
      method: "PUT",
      body: { stageIds: ids(pipeline) },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toContain("stageIds");
    expect(names(await defaultPipeline(tenant))).toEqual(names(pipeline));
  });
});

describe("DELETE /api/v1/pipelines/:id/stages/:stageId", () => {
  it("removes an empty stage and closes the gap", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);

    const res = await tenant.call<{ data: Pipeline }>(
      `/api/v1/pipelines/${pipeline.id}/stages/${stageAt(pipeline, 1).id}`,
      { method: "DELETE" },
    );

    expect(res.status).toBe(200);
    expect(names(res.body.data)).toEqual([
      "Qualified",
      "Proposal sent",
      "Negotiation",
      "Won",
      "Lost",
    ]);
    expect(positions(res.body.data)).toEqual([0, 1, 2, 3, 4]);
  });

  it("refuses with 409 STAGE_HAS_DEALS while deals are in it, trashed ones included", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);
    const deal = await createDeal(tenant, { title: "X", stageId: stageAt(pipeline, 2).id });
    await tenant.call(`/api/v1/deals/${deal.id}`, { method: "DELETE" });

    const res = await tenant.call<ApiError>(
      `/api/v1/pipelines/${pipeline.id}/stages/${stageAt(pipeline, 2).id}`,
      { method: "DELETE" },
    );

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("STAGE_HAS_DEALS");
    expect(res.body.error.message).toMatch(/moveDealsTo/);
    expect((await defaultPipeline(tenant)).stages).toHaveLength(6);
  });

  it("moves the deals to the stage named in moveDealsTo, with history and timeline", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);
    const [from, to] = [stageAt(pipeline, 2), stageAt(pipeline, 3)];
    const live = await createDeal(tenant, { title: "Vivo", stageId: from.id });
    const trashed = await createDeal(tenant, { title: "Na lixeira", stageId: from.id });
    await tenant.call(`/api/v1/deals/${trashed.id}`, { method: "DELETE" });

    const res = await tenant.call<{ data: Pipeline }>(
      `/api/v1/pipelines/${pipeline.id}/stages/${from.id}?moveDealsTo=${to.id}`,
      { method: "DELETE" },
    );

    expect(res.status).toBe(200);
    expect(res.body.data.stages.map((s) => s.id)).not.toContain(from.id);
    const moved = (
      await tenant.call<{
        data: Deal & {
          stageHistory: {
            stage: { id: string };
            fromStage: { id: string; name: string | null } | null;
          }[];
          timeline: { data: { kind: string; changes: unknown }[] };
        };
      }>(`/api/v1/deals/${live.id}`)
    ).body.data;
    expect(moved).toMatchObject({ stageId: to.id, version: 2 });
    // The removed stage is gone, so its name is too; the timeline kept it.
    expect(moved.stageHistory.at(-1)).toMatchObject({
      stage: { id: to.id },
      fromStage: { id: from.id, name: null },
    });
    expect(moved.timeline.data[0]).toMatchObject({
      kind: "stage_moved",
      changes: { stage: { old: { id: from.id, name: from.name }, new: { id: to.id } } },
    });
    const restored = await tenant.call<{ data: Deal }>(`/api/v1/deals/${trashed.id}/restore`, {
      method: "POST",
    });
    expect(restored.body.data.stageId).toBe(to.id);
  });

  it.each([
    { problem: "is the stage itself", target: (p: Pipeline) => stageAt(p, 2).id },
    { problem: "is a lost stage", target: (p: Pipeline) => stageAt(p, 5).id },
    { problem: "does not exist", target: () => crypto.randomUUID() },
  ])("answers 400 on moveDealsTo when it $problem", async ({ target }) => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);
    await createDeal(tenant, { title: "X", stageId: stageAt(pipeline, 2).id });

    const res = await tenant.call<ApiError>(
      `/api/v1/pipelines/${pipeline.id}/stages/${stageAt(pipeline, 2).id}?moveDealsTo=${target(pipeline)}`,
      { method: "DELETE" },
    );

    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe("moveDealsTo");
    expect((await defaultPipeline(tenant)).stages).toHaveLength(6);
  });

  it("answers 400 on moveDealsTo naming another organisation's stage", async () => {
    const [tenant, other] = await Promise.all([newTenant(), newTenant()]);
    const pipeline = await defaultPipeline(tenant);
    const theirs = stageAt(await defaultPipeline(other), 1);
    await createDeal(tenant, { title: "X", stageId: stageAt(pipeline, 2).id });

    const res = await tenant.call<ApiError>(
      `/api/v1/pipelines/${pipeline.id}/stages/${stageAt(pipeline, 2).id}?moveDealsTo=${theirs.id}`,
      { method: "DELETE" },
    );

    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe("moveDealsTo");
  });

  it("refuses to remove the last open stage", async () => {
    const tenant = await newTenant();
    const created = await tenant.call<{ data: Pipeline }>("/api/v1/pipelines", {
      method: "POST",
      body: { name: "P", stages: [{ name: "Só" }, { name: "W", kind: "won" }] },
    });

    const res = await tenant.call<ApiError>(
      `/api/v1/pipelines/${created.body.data.id}/stages/${stageAt(created.body.data, 0).id}`,
      { method: "DELETE" },
    );

    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe("stageId");
  });
});
