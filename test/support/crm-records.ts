/**
 * People, companies, tags and custom fields for tests: created through the API like a client
 * would, plus the few things only the owner role can do (the organisation's region, moving a
 * deletion back in time so the trash window can be tested without waiting 30 days).
 */
import { inject } from "vitest";
import type { Tenant } from "./api.ts";
import { connect } from "./db.ts";

export type ApiError = {
  error: { code: string; message: string; requestId: string; details?: Detail[] };
};
export type Detail = { path: string; message: string };
export type Phone = { e164: string; national: string; international: string };
export type Page<T> = { data: T[]; nextCursor: string | null; total: number };

export type Person = {
  id: string;
  firstName: string;
  lastName: string;
  emails: string[];
  phones: Phone[];
  jobTitle: string | null;
  companyId: string | null;
  cpf: string | null;
  address: Record<string, string> | null;
  ownerId: string | null;
  tagIds: string[];
  custom: Record<string, unknown>;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

export type Company = {
  id: string;
  name: string;
  domains: string[];
  taxId: string | null;
  taxIdKind: "cnpj" | "nif" | null;
  taxIdFormatted: string | null;
  industry: string | null;
  size: string | null;
  address: Record<string, string> | null;
  phones: Phone[];
  website: string | null;
  ownerId: string | null;
  tagIds: string[];
  custom: Record<string, unknown>;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

export type TimelineEvent = {
  id: string;
  at: string;
  kind: string;
  actorId: string | null;
  changes: Record<string, { old: unknown; new: unknown }>;
};

/** POST `path` with `body` as `tenant`, expecting 201; answers `data`. */
export async function created<T>(tenant: Tenant, path: string, body: unknown): Promise<T> {
  const res = await tenant.call<{ data: T }>(path, { method: "POST", body });
  if (res.status !== 201) {
    throw new Error(`POST ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.data;
}

/** GET `path` as `tenant`, expecting 200; answers `data`. */
export async function read<T>(tenant: Tenant, path: string): Promise<T> {
  const res = await tenant.call<{ data: T }>(path);
  if (res.status !== 200) {
    throw new Error(`GET ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.data;
}

export function createPerson(tenant: Tenant, body: Record<string, unknown>): Promise<Person> {
  return created<Person>(tenant, "/api/v1/people", body);
}

export function createCompany(tenant: Tenant, body: Record<string, unknown>): Promise<Company> {
  return created<Company>(tenant, "/api/v1/companies", body);
}

export async function createTag(
  tenant: Tenant,
  entity: "person" | "company" | "deal",
  name: string,
): Promise<{ id: string }> {
  return created<{ id: string }>(tenant, "/api/v1/tags", { entity, name });
}

/** The number of records `path` lists for `tenant` (its `total`). */
export async function countOf(tenant: Tenant, path: string): Promise<number> {
  const res = await tenant.call<Page<unknown>>(path);
  if (res.status !== 200) throw new Error(`GET ${path} failed: ${JSON.stringify(res.body)}`);
  return res.body.total;
}

/** Every event on a record's timeline, newest first. */
export async function timelineOf(tenant: Tenant, path: string): Promise<TimelineEvent[]> {
  const res = await tenant.call<Page<TimelineEvent>>(`${path}/timeline?limit=200`);
  if (res.status !== 200) throw new Error(`timeline failed: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** Sets the organisation's region (phones and tax ids default to it). */
export async function setRegion(tenant: Tenant, region: "BR" | "PT"): Promise<void> {
  const sql = connect(inject("ownerUrl"));
  await sql.query("update organisations set region = $1 where id = $2", [region, tenant.orgId]);
}

/** Makes a trashed record look as if it had been deleted `days` ago. */
export async function trashedDaysAgo(
  table: "people" | "companies" | "deals",
  id: string,
  days: number,
): Promise<void> {
  const sql = connect(inject("ownerUrl"));
  await sql.query(
    `update ${table} set deleted_at = now() - make_interval(days => $1) where id = $2 and deleted_at is not null`,
    [days, id],
  );
}
