import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { minRoleFor } from "../../src/access/roles.ts";
import type { Bindings } from "../../src/env.ts";
import worker from "../../src/index.ts";
import { newTenant, type Tenant } from "../support/api.ts";
import {
  type ApiError,
  createCompany,
  createPerson,
  type Page,
  type Person,
  read,
  timelineOf,
  trashedDaysAgo,
} from "../support/crm-records.ts";
import { expectRoleMatrix } from "../support/crm-security.ts";
import { connect, failureOf } from "../support/db.ts";
import { addMember } from "../support/members.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";
import { newTeam } from "../support/team.ts";

type Trashed = {
  kind: string;
  id: string;
  title: string;
  deletedAt: string;
  deletedBy: string;
  purgeAfter: string;
};

describe("GET /api/v1/trash", () => {
  it("lists what was deleted, newest deletion first, with who deleted it and when it goes", async () => {
    const tenant = await newTenant();
    const person = await createPerson(tenant, { firstName: "Rui", lastName: "Alves" });
    const company = await createCompany(tenant, { name: "Padaria Aurora" });
    await createPerson(tenant, { firstName: "Still here" });
    await trash(tenant, "people", person.id);
    await trash(tenant, "companies", company.id);

    const res = await tenant.call<Page<Trashed>>("/api/v1/trash");

    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.data.map((t) => [t.kind, t.id, t.title, t.deletedBy])).toEqual([
      ["company", company.id, "Padaria Aurora", tenant.userId],
      ["person", person.id, "Rui Alves", tenant.userId],
    ]);
    const [first] = res.body.data;
    const days = (Date.parse(first?.purgeAfter ?? "") - Date.parse(first?.deletedAt ?? "")) / 864e5;
    expect(days).toBe(30);
  });

  it("lists one kind with ?kind= and pages with a cursor", async () => {
    const tenant = await newTenant();
    for (const n of [1, 2, 3]) {
      await trash(tenant, "people", (await createPerson(tenant, { firstName: `P${n}` })).id);
    }
    await trash(tenant, "companies", (await createCompany(tenant, { name: "Co" })).id);

    const first = await tenant.call<Page<Trashed>>("/api/v1/trash?kind=person&limit=2");
    const second = await tenant.call<Page<Trashed>>(
      `/api/v1/trash?kind=person&limit=2&cursor=${first.body.nextCursor}`,
    );

    expect(first.body.total).toBe(3);
    expect([...first.body.data, ...second.body.data].map((t) => t.title)).toEqual([
      "P3",
      "P2",
      "P1",
    ]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("does not list what was deleted more than 30 days ago (it waits for the purge)", async () => {
    const tenant = await newTenant();
    const old = await createPerson(tenant, { firstName: "Old" });
    await trash(tenant, "people", old.id);
    await trashedDaysAgo("people", old.id, 31);

    const res = await tenant.call<Page<Trashed>>("/api/v1/trash");

    expect(res.body).toEqual({ data: [], nextCursor: null, total: 0 });
  });

  it("shows nothing of another organisation's trash", async () => {
    const [mine, theirs] = await Promise.all([newTenant("Mine"), newTenant("Theirs")]);
    await trash(theirs, "people", (await createPerson(theirs, { firstName: "Theirs" })).id);
    await trash(mine, "people", (await createPerson(mine, { firstName: "Mine" })).id);

    const res = await mine.call<Page<Trashed>>("/api/v1/trash");

    expect(res.body.data.map((t) => t.title)).toEqual(["Mine"]);
    expect(res.body.total).toBe(1);
  });

  it.each([
    "?kind=contact",
    "?limit=0",
    "?cursor=bm90LWEtY3Vyc29y",
    "?org_id=00000000-0000-0000-0000-000000000000",
  ])("answers 400 to %s", async (query) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(`/api/v1/trash${query}`);

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("refuses every request without a valid session", async () => {
    const owner = await newTenant();
    await trash(owner, "people", (await createPerson(owner, { firstName: "Secret" })).id);

    await expectRouteRefusesWithoutValidSession({ method: "GET", path: "/api/v1/trash" }, owner);
  });

  it("lets every role see the trash, a viewer and up", async () => {
    await expectRoleMatrix(
      {
        route: "GET /trash",
        minimum: minRoleFor("crm.read"),
        make: async () => ({ method: "GET", path: "/api/v1/trash" }),
      },
      await newTeam("Lixeira"),
    );
  });
});

describe.each([
  { kind: "people", create: (t: Tenant) => createPerson(t, { firstName: "Lia" }) },
  { kind: "companies", create: (t: Tenant) => createCompany(t, { name: "Lia Ltda" }) },
] as const)("POST /api/v1/$kind/:id/restore", ({ kind, create }) => {
  it("brings back a record deleted within 30 days, with a new version", async () => {
    const tenant = await newTenant();
    const record = await create(tenant);
    await trash(tenant, kind, record.id);
    await trashedDaysAgo(kind, record.id, 29);

    const res = await tenant.call<{ data: { id: string; version: number } }>(
      `/api/v1/${kind}/${record.id}/restore`,
      { method: "POST" },
    );

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: record.id, version: 3 });
    expect(await read(tenant, `/api/v1/${kind}/${record.id}`)).toEqual(res.body.data);
    expect((await tenant.call<Page<Trashed>>("/api/v1/trash")).body.total).toBe(0);
    expect((await timelineOf(tenant, `/api/v1/${kind}/${record.id}`))[0]?.kind).toBe("restored");
  });

  it("answers 404 for a record deleted more than 30 days ago", async () => {
    const tenant = await newTenant();
    const record = await create(tenant);
    await trash(tenant, kind, record.id);
    await trashedDaysAgo(kind, record.id, 31);

    const res = await tenant.call<ApiError>(`/api/v1/${kind}/${record.id}/restore`, {
      method: "POST",
    });

    expect(res.status).toBe(404);
    expect((await tenant.call(`/api/v1/${kind}/${record.id}`)).status).toBe(404);
  });

  it("answers 404 for a record that is not in the trash, and leaves it alone", async () => {
    const tenant = await newTenant();
    const record = await create(tenant);

    const res = await tenant.call<ApiError>(`/api/v1/${kind}/${record.id}/restore`, {
      method: "POST",
    });

    expect(res.status).toBe(404);
    expect(await read(tenant, `/api/v1/${kind}/${record.id}`)).toEqual(record);
  });

  it("answers 404 for another organisation's deleted record, which stays deleted", async () => {
    const [owner, stranger] = await Promise.all([newTenant("Owner"), newTenant("Stranger")]);
    const record = await create(owner);
    await trash(owner, kind, record.id);

    const res = await stranger.call<ApiError>(`/api/v1/${kind}/${record.id}/restore`, {
      method: "POST",
    });

    expect(res.status).toBe(404);
    expect((await owner.call<Page<Trashed>>("/api/v1/trash")).body.data.map((t) => t.id)).toEqual([
      record.id,
    ]);
  });

  it("answers 403 to a viewer, who can still see the trash", async () => {
    const owner = await newTenant();
    const record = await create(owner);
    await trash(owner, kind, record.id);
    const viewer = await addMember(owner, "viewer");

    const res = await viewer.call<ApiError>(`/api/v1/${kind}/${record.id}/restore`, {
      method: "POST",
    });

    expect(res.status).toBe(403);
    expect((await viewer.call<Page<Trashed>>("/api/v1/trash")).body.total).toBe(1);
  });
});

describe("the nightly purge (gallo_purge_trash, run by the scheduled handler)", () => {
  it("deletes only what was trashed more than 30 days ago, in every organisation", async () => {
    const [a, b] = await Promise.all([newTenant("A"), newTenant("B")]);
    const oldPerson = await createPerson(a, { firstName: "Old" });
    const recentPerson = await createPerson(a, { firstName: "Recent" });
    const livePerson = await createPerson(a, { firstName: "Live" });
    const otherOrgOld = await createPerson(b, { firstName: "Other old" });
    for (const [tenant, person] of [
      [a, oldPerson],
      [a, recentPerson],
      [b, otherOrgOld],
    ] as const) {
      await trash(tenant, "people", person.id);
    }
    await trashedDaysAgo("people", oldPerson.id, 31);
    await trashedDaysAgo("people", otherOrgOld.id, 45);
    await trashedDaysAgo("people", recentPerson.id, 29);

    await runScheduledPurge();

    expect(await rowsOf("people", [oldPerson.id, otherOrgOld.id])).toEqual([]);
    expect(await rowsOf("timeline_events", [oldPerson.id, otherOrgOld.id], "record_id")).toEqual(
      [],
    );
    const restored = await a.call(`/api/v1/people/${recentPerson.id}/restore`, { method: "POST" });
    expect(restored.status).toBe(200);
    expect(await read(a, `/api/v1/people/${livePerson.id}`)).toEqual(livePerson);
  });

  it("unlinks the people of a purged company and keeps them", async () => {
    const tenant = await newTenant();
    const company = await createCompany(tenant, { name: "Gone Ltda" });
    const person = await createPerson(tenant, { firstName: "Stays", companyId: company.id });
    await trash(tenant, "companies", company.id);
    await trashedDaysAgo("companies", company.id, 40);

    await runScheduledPurge();

    expect(await rowsOf("companies", [company.id])).toEqual([]);
    expect(await read<Person>(tenant, `/api/v1/people/${person.id}`)).toMatchObject({
      id: person.id,
      companyId: null,
    });
  });

  it.each(["0 seconds", "1 day", "29 days 23 hours"])(
    "refuses to purge anything trashed less than 30 days ago (%s)",
    async (interval) => {
      const sql = connect(inject("databaseUrl"));

      const failure = await failureOf(() =>
        sql.query("select * from gallo_purge_trash($1::interval)", [interval]),
      );

      expect(failure).toBe("22023");
    },
  );

  it("is callable by the runtime role only through the function, which only it may execute", async () => {
    const sql = connect(inject("databaseUrl"));

    const { rows } = await sql.query(
      `select has_function_privilege('gallo_app', 'gallo_purge_trash(interval)', 'execute') as app,
              has_function_privilege('public', 'gallo_purge_trash(interval)', 'execute') as anyone`,
    );

    expect(rows[0]).toEqual({ app: true, anyone: false });
  });
});

async function trash(tenant: Tenant, kind: "people" | "companies", id: string): Promise<void> {
  const res = await tenant.call(`/api/v1/${kind}/${id}`, { method: "DELETE" });
  if (res.status !== 204) throw new Error(`delete failed: ${res.status}`);
}

async function runScheduledPurge(): Promise<void> {
  await worker.scheduled(
    createScheduledController({ cron: "17 3 * * *" }),
    env as unknown as Bindings,
    createExecutionContext(),
  );
}

/** The ids of `ids` still present in `table`, seen by the owner role (which sees every org). */
async function rowsOf(table: string, ids: string[], column = "id"): Promise<string[]> {
  const sql = connect(inject("ownerUrl"));
  const { rows } = await sql.query(
    `select ${column} as id from ${table} where ${column} = any($1)`,
    [ids],
  );
  return rows.map((r) => String(r.id));
}
