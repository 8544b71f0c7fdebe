import { describe, expect, it } from "vitest";
import { newTenant } from "../support/api.ts";
import { createDeal, defaultPipeline, stageAt } from "../support/deals.ts";

type Total = {
  currency: string;
  count: number;
  amountMinor: number;
  weightedMinor: number;
  amountFormatted: string;
  weightedFormatted: string;
};
type Summary = {
  id: string;
  stages: { id: string; name: string; count: number; totals: Total[] }[];
};

const plain = (text: string) => text.replaceAll("\u00a0", " ");

describe("GET /api/v1/pipelines/:id/summary", () => {
  it("counts and sums per stage and currency, weighting each deal by its probability", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);
    const [qualified, proposal] = [stageAt(pipeline, 0), stageAt(pipeline, 2)];
    // Qualified: 10% by default. Proposal sent: 50% by default.
    await createDeal(tenant, { title: "A", amountMinor: 100000, stageId: qualified.id });
    await createDeal(tenant, {
      title: "B",
      amountMinor: 55555,
      stageId: qualified.id,
      probability: 33,
    });
    await createDeal(tenant, {
      title: "C",
      amountMinor: 200000,
      currency: "EUR",
      stageId: qualified.id,
    });
    await createDeal(tenant, { title: "D", amountMinor: 300000, stageId: proposal.id });
    const trashed = await createDeal(tenant, {
      title: "E",
      amountMinor: 999999,
      stageId: proposal.id,
    });
    await tenant.call(`/api/v1/deals/${trashed.id}`, { method: "DELETE" });

    const res = await tenant.call<{ data: Summary }>(`/api/v1/pipelines/${pipeline.id}/summary`, {
      headers: { "accept-language": "pt-BR" },
    });

    expect(res.status).toBe(200);
    expect(res.body.data.stages.map((s) => [s.name, s.count])).toEqual([
      ["Qualified", 3],
      ["Contact made", 0],
      ["Proposal sent", 1],
      ["Negotiation", 0],
      ["Won", 0],
      ["Lost", 0],
    ]);
    const [first, , third] = res.body.data.stages;
    // BRL: 100000 × 10% + 55555 × 33% = 10000 + 18333.15 → 28333. EUR is never added to BRL.
    expect(first?.totals).toMatchObject([
      { currency: "BRL", count: 2, amountMinor: 155555, weightedMinor: 28333 },
      { currency: "EUR", count: 1, amountMinor: 200000, weightedMinor: 20000 },
    ]);
    expect(plain(first?.totals[0]?.amountFormatted ?? "")).toBe("R$ 1.555,55");
    expect(plain(first?.totals[1]?.weightedFormatted ?? "")).toBe("€ 200,00");
    expect(third?.totals).toMatchObject([
      { currency: "BRL", count: 1, amountMinor: 300000, weightedMinor: 150000 },
    ]);
  });

  it("shows every stage with nothing in it for a pipeline without deals", async () => {
    const tenant = await newTenant();
    const pipeline = await defaultPipeline(tenant);

    const res = await tenant.call<{ data: Summary }>(`/api/v1/pipelines/${pipeline.id}/summary`);

    expect(res.body.data.stages).toHaveLength(6);
    expect(res.body.data.stages.every((s) => s.count === 0 && s.totals.length === 0)).toBe(true);
  });

  it("counts none of another organisation's deals", async () => {
    const [mine, theirs] = await Promise.all([newTenant(), newTenant()]);
    await createDeal(theirs, { title: "Deles", amountMinor: 100 });
    const pipeline = await defaultPipeline(mine);

    const res = await mine.call<{ data: Summary }>(`/api/v1/pipelines/${pipeline.id}/summary`);

    expect(res.body.data.stages.every((s) => s.count === 0)).toBe(true);
  });
});
