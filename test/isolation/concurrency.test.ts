/**
 * Isolation under load: many requests of two organisations in flight at once through the Worker,
 * sharing its isolate, its module state and the endpoint's connection pool. A claim that leaked
 * from one request (or one pooled connection) to another would show the other tenant's rows.
 */
import { describe, expect, it } from "vitest";
import { newTenant, type Tenant } from "../support/api.ts";

type Person = { id: string; firstName: string };
type Page = { data: Person[]; nextCursor: string | null; total: number };

const ROUNDS = 60;

describe("two organisations under concurrent load", () => {
  it("never shows one organisation's people to the other", async () => {
    const tenants = await Promise.all([newTenant("Alfa"), newTenant("Bravo")]);
    const [alfa, bravo] = tenants;
    // One row each before the burst: a create reads before it writes (two round trips), so
    // without these the lists could all run before the first create lands and prove nothing.
    for (const tenant of tenants) await create(tenant, -1, 0);

    // Per round and tenant: two creates and one list, all interleaved: 6 × 60 = 360 requests.
    const requests = Array.from({ length: ROUNDS }, (_, round) =>
      tenants.flatMap((tenant) => [
        create(tenant, round, 0),
        list(tenant),
        create(tenant, round, 1),
      ]),
    ).flat();
    const results = await Promise.all(requests);

    expect(results).toHaveLength(6 * ROUNDS);
    const leaks = results.flatMap(({ tenant, status, names }) => [
      ...(status < 300 ? [] : [`${tagOf(tenant)}: status ${status}`]),
      ...names
        .filter((name) => !name.startsWith(`${tagOf(tenant)}-`))
        .map((n) => `${tagOf(tenant)} saw ${n}`),
    ]);
    expect(leaks).toEqual([]);
    // Lists that ran while rows existed: without them the check above would prove nothing.
    expect(results.filter((r) => r.kind === "list" && r.names.length > 0).length).toBeGreaterThan(
      ROUNDS,
    );
    for (const tenant of [alfa, bravo]) {
      const names = await allNames(tenant);
      expect(names).toHaveLength(2 * ROUNDS + 1);
      expect(names.every((name) => name.startsWith(`${tagOf(tenant)}-`))).toBe(true);
    }
  });
});

type Outcome = { kind: "create" | "list"; tenant: Tenant; status: number; names: string[] };

function tagOf(tenant: Tenant): string {
  return tenant.orgId;
}

async function create(tenant: Tenant, round: number, n: number): Promise<Outcome> {
  const res = await tenant.call<{ data: Person }>("/api/v1/people", {
    method: "POST",
    body: { firstName: `${tagOf(tenant)}-${round}-${n}` },
  });
  const names = res.status === 201 ? [res.body.data.firstName] : [];
  return { kind: "create", tenant, status: res.status, names };
}

async function list(tenant: Tenant): Promise<Outcome> {
  const res = await tenant.call<Page>("/api/v1/people?limit=200");
  return {
    kind: "list",
    tenant,
    status: res.status,
    names: res.status === 200 ? res.body.data.map((c) => c.firstName) : [],
  };
}

async function allNames(tenant: Tenant): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : "";
    const res = await tenant.call<Page>(`/api/v1/people?limit=50${query}`);
    names.push(...res.body.data.map((c) => c.firstName));
    cursor = res.body.nextCursor;
  } while (cursor);
  return names;
}
