/** GET /api/v1/people: keyset pages with totals, sorts, and filters. */
import { describe, expect, inject, it } from "vitest";
import { newTenant, type Tenant } from "../support/api.ts";
import {
  type ApiError,
  createCompany,
  created,
  createPerson,
  createTag,
  type Page,
  type Person,
} from "../support/crm-records.ts";
import { connect } from "../support/db.ts";
import { addMember, setTimeZone } from "../support/members.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";

const PEOPLE = "/api/v1/people";

describe("GET /api/v1/people", () => {
  it("pages newest first with a keyset cursor until nextCursor is null, counting them all", async () => {
    const tenant = await newTenant();
    const made: string[] = [];
    // One at a time, so the creation order is known.
    for (const n of [1, 2, 3, 4, 5])
      made.push((await createPerson(tenant, { firstName: `P${n}` })).id);

    const pages = await allPages(tenant, `${PEOPLE}?limit=2`);

    expect(pages.map((p) => p.data.length)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5]);
    expect(pages.flatMap((p) => p.data.map((d) => d.id))).toEqual(made.toReversed());
  });

  it("neither skips nor repeats a row when one is added between two pages", async () => {
    const tenant = await newTenant();
    for (const n of [1, 2, 3]) await createPerson(tenant, { firstName: `P${n}`, lastName: "Lima" });

    const first = await tenant.call<Page<Person>>(`${PEOPLE}?sort=name&limit=2`);
    await createPerson(tenant, { firstName: "A0", lastName: "Lima" });
    const second = await tenant.call<Page<Person>>(
      `${PEOPLE}?sort=name&limit=2&cursor=${first.body.nextCursor}`,
    );

    expect(first.body.data.map((p) => p.firstName)).toEqual(["P1", "P2"]);
    expect(second.body.data.map((p) => p.firstName)).toEqual(["P3"]);
  });

  it.each([
    { query: "sort=name", names: ["Ana Abreu", "Bia Abreu", "Caio Zanetti"] },
    { query: "sort=name&order=desc", names: ["Caio Zanetti", "Bia Abreu", "Ana Abreu"] },
    { query: "sort=created&order=asc", names: ["Caio Zanetti", "Bia Abreu", "Ana Abreu"] },
    { query: "sort=created", names: ["Ana Abreu", "Bia Abreu", "Caio Zanetti"] },
    { query: "sort=updated", names: ["Bia Abreu", "Ana Abreu", "Caio Zanetti"] },
  ])("sorts with ?$query", async ({ query, names }) => {
    const tenant = await newTenant();
    await createPerson(tenant, { firstName: "Caio", lastName: "Zanetti" });
    const bia = await createPerson(tenant, { firstName: "Bia", lastName: "Abreu" });
    await createPerson(tenant, { firstName: "Ana", lastName: "Abreu" });
    await tenant.call(`${PEOPLE}/${bia.id}`, {
      method: "PATCH",
      body: { version: 1, jobTitle: "Gerente" },
    });

    const pages = await allPages(tenant, `${PEOPLE}?${query}&limit=1`);

    expect(pages.flatMap((p) => p.data.map((d) => `${d.firstName} ${d.lastName}`))).toEqual(names);
  });

  it("filters by owner, tag, company and custom field, and counts what matches", async () => {
    const tenant = await newTenant();
    const colleague = await addMember(tenant, "member");
    const vip = await createTag(tenant, "person", "VIP");
    const company = await createCompany(tenant, { name: "Padaria Aurora" });
    await created(tenant, "/api/v1/custom-fields", {
      entity: "person",
      key: "canais",
      label: "Canais",
      type: "multiselect",
      options: ["email", "whatsapp"],
    });
    await created(tenant, "/api/v1/custom-fields", {
      entity: "person",
      key: "limite",
      label: "Limite",
      type: "number",
    });
    await createPerson(tenant, { firstName: "Owned", ownerId: colleague.userId });
    await createPerson(tenant, { firstName: "Tagged", tagIds: [vip.id] });
    await createPerson(tenant, { firstName: "Employed", companyId: company.id });
    await createPerson(tenant, { firstName: "Whatsapp", custom: { canais: ["whatsapp"] } });
    await createPerson(tenant, { firstName: "Limit", custom: { limite: 1500.5 } });
    await createPerson(tenant, { firstName: "Plain" });

    const names = async (query: string) => {
      const res = await tenant.call<Page<Person>>(`${PEOPLE}?${query}`);
      expect(res.status, query).toBe(200);
      expect(res.body.total, query).toBe(res.body.data.length);
      return res.body.data.map((p) => p.firstName);
    };

    expect(await names(`ownerId=${colleague.userId}`)).toEqual(["Owned"]);
    expect(await names(`tagId=${vip.id}`)).toEqual(["Tagged"]);
    expect(await names(`companyId=${company.id}`)).toEqual(["Employed"]);
    expect(await names("cf.canais=whatsapp")).toEqual(["Whatsapp"]);
    expect(await names("cf.limite=1500.5")).toEqual(["Limit"]);
    expect(await names(`cf.canais=email&tagId=${vip.id}`)).toEqual([]);
    expect(await names(`ownerId=${tenant.userId}&sort=name`)).toEqual([
      "Employed",
      "Limit",
      "Plain",
      "Tagged",
      "Whatsapp",
    ]);
  });

  it("reads date ranges as days in the caller's time zone", async () => {
    const tenant = await newTenant();
    const late = await createPerson(tenant, { firstName: "Late" });
    const next = await createPerson(tenant, { firstName: "Next" });
    // 23:30 on 19/02 in São Paulo is already 02:30 on 20/02 in UTC (and in Lisbon).
    await createdAt(late.id, "2026-02-20T02:30:00Z");
    await createdAt(next.id, "2026-02-20T12:00:00Z");

    const inSaoPaulo = await tenant.call<Page<Person>>(
      `${PEOPLE}?createdFrom=2026-02-20&createdTo=2026-02-20`,
    );
    await setTimeZone({ userId: tenant.userId }, "Europe/Lisbon");
    const inLisbon = await tenant.call<Page<Person>>(
      `${PEOPLE}?createdFrom=2026-02-20&createdTo=2026-02-20`,
    );
    const before = await tenant.call<Page<Person>>(`${PEOPLE}?createdTo=2026-02-19`);

    expect(inSaoPaulo.body.data.map((p) => p.firstName)).toEqual(["Next"]);
    expect(inLisbon.body.data.map((p) => p.firstName).sort()).toEqual(["Late", "Next"]);
    expect(before.body.total).toBe(0);
  });

  it("lists only the organisation's own people", async () => {
    const [mine, theirs] = await Promise.all([newTenant("Mine"), newTenant("Theirs")]);
    const own = await createPerson(mine, { firstName: "Mine" });
    await createPerson(theirs, { firstName: "Theirs" });

    const res = await mine.call<Page<Person>>(PEOPLE);

    expect(res.body).toEqual({ data: [own], nextCursor: null, total: 1 });
  });

  it("refuses a cursor made for another sort", async () => {
    const tenant = await newTenant();
    for (const n of [1, 2]) await createPerson(tenant, { firstName: `P${n}` });
    const first = await tenant.call<Page<Person>>(`${PEOPLE}?sort=name&limit=1`);

    const res = await tenant.call<ApiError>(
      `${PEOPLE}?sort=created&limit=1&cursor=${first.body.nextCursor}`,
    );

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["cursor"]);
  });

  it.each([
    { query: "?limit=0", path: "limit" },
    { query: "?limit=201", path: "limit" },
    { query: "?limit=two", path: "limit" },
    { query: "?cursor=not-a-cursor", path: "cursor" },
    { query: "?sort=age", path: "sort" },
    { query: "?order=up", path: "order" },
    { query: "?ownerId=me", path: "ownerId" },
    { query: "?createdFrom=2026-02-30", path: "createdFrom" },
    { query: "?updatedTo=20/02/2026", path: "updatedTo" },
    { query: "?cf.Bad-Key=1", path: "custom.Bad-Key" },
    { query: "?org_id=00000000-0000-0000-0000-000000000000", path: "" },
  ])("answers 400 VALIDATION_FAILED to $query", async ({ query, path }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(`${PEOPLE}${query}`);

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
  });

  it("refuses every request without a valid session", async () => {
    const owner = await newTenant();
    await createPerson(owner, { firstName: "Secret" });

    await expectRouteRefusesWithoutValidSession({ method: "GET", path: PEOPLE }, owner);
  });
});

async function allPages(tenant: Tenant, first: string): Promise<Page<Person>[]> {
  const pages: Page<Person>[] = [];
  let cursor: string | null = null;
  do {
    const path: string = cursor ? `${first}&cursor=${cursor}` : first;
    const res = await tenant.call<Page<Person>>(path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  } while (cursor && pages.length < 20);
  return pages;
}

async function createdAt(id: string, at: string): Promise<void> {
  const sql = connect(inject("ownerUrl"));
  await sql.query("update people set created_at = $1 where id = $2", [at, id]);
}
