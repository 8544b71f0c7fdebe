/** Deals and what they hang on, made through the API for tests. */
import { expect } from "vitest";
import type { Tenant } from "./api.ts";

export type Stage = {
  id: string;
  name: string;
  position: number;
  kind: string;
  probability: number;
};
export type Pipeline = { id: string; name: string; isDefault: boolean; stages: Stage[] };
export type Deal = {
  id: string;
  title: string;
  amountMinor: number;
  currency: string;
  amountFormatted: string;
  pipelineId: string;
  stageId: string;
  stage: { id: string; name: string; kind: string; probability: number };
  status: string;
  stageEnteredAt: string;
  expectedCloseDate: string | null;
  probability: number | null;
  effectiveProbability: number;
  ownerId: string | null;
  companyId: string | null;
  personIds: string[];
  lostReason: string | null;
  tagIds: string[];
  custom: Record<string, unknown>;
  version: number;
};
export type ApiError = {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
};

/** The organisation's default pipeline (Sales: Qualified ... Won, Lost for an English sign-up). */
export async function defaultPipeline(tenant: Tenant): Promise<Pipeline> {
  const res = await tenant.call<{ data: Pipeline[] }>("/api/v1/pipelines");
  const pipeline = res.body.data.find((p) => p.isDefault);
  if (!pipeline) throw new Error("no default pipeline");
  return pipeline;
}

/** The stage of `pipeline` at `position`. */
export function stageAt(pipeline: Pipeline, position: number): Stage {
  const stage = pipeline.stages[position];
  if (!stage) throw new Error(`no stage at ${position}`);
  return stage;
}

export async function createDeal(tenant: Tenant, body: Record<string, unknown>): Promise<Deal> {
  const res = await tenant.call<{ data: Deal }>("/api/v1/deals", { method: "POST", body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

export async function createCompany(tenant: Tenant, name: string): Promise<{ id: string }> {
  const res = await tenant.call<{ data: { id: string } }>("/api/v1/companies", {
    method: "POST",
    body: { name },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

export async function createPerson(tenant: Tenant, firstName: string): Promise<{ id: string }> {
  const res = await tenant.call<{ data: { id: string } }>("/api/v1/people", {
    method: "POST",
    body: { firstName },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

export async function createTag(tenant: Tenant, entity: string, name: string) {
  const res = await tenant.call<{ data: { id: string } }>("/api/v1/tags", {
    method: "POST",
    body: { entity, name },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}
