import { describe, expect, it } from "vitest";
import { newTenant } from "../support/api.ts";
import {
  type ApiError,
  type Company,
  countOf,
  createCompany,
  createTag,
  type Page,
  read,
  setRegion,
  timelineOf,
} from "../support/crm-records.ts";
import { addMember } from "../support/members.ts";
import { expectRouteRefusesWithoutValidSession, type Route } from "../support/security.ts";

const COMPANIES = "/api/v1/companies";

describe("POST /api/v1/companies", () => {
  it("creates a company and answers 201 with it, as GET shows it", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<{ data: Company }>(COMPANIES, {
      method: "POST",
      body: {
        name: " Padaria Aurora Ltda ",
        domains: ["PadariaAurora.com.br"],
        taxId: "11.222.333/0001-81",
        industry: "Alimentos",
        size: "11-50",
        phones: ["(11) 3040-5060"],
        website: "https://padariaaurora.com.br",
        address: { city: "São Paulo", state: "SP", postalCode: "04538-133" },
      },
    });

    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      name: "Padaria Aurora Ltda",
      domains: ["padariaaurora.com.br"],
      taxId: "11222333000181",
      taxIdKind: "cnpj",
      taxIdFormatted: "11.222.333/0001-81",
      industry: "Alimentos",
      size: "11-50",
      phones: [{ e164: "+551130405060", national: "(11) 3040-5060" }],
      website: "https://padariaaurora.com.br",
      address: { city: "São Paulo", state: "SP", postalCode: "04538-133" },
      ownerId: tenant.userId,
      version: 1,
    });
    expect(await read(tenant, `${COMPANIES}/${res.body.data.id}`)).toEqual(res.body.data);
  });

  it.each([
    { region: "BR", taxId: "12.abc.345/01de-35", stored: "12ABC34501DE35", kind: "cnpj" },
    { region: "BR", taxId: "12ABC34501DE35", stored: "12ABC34501DE35", kind: "cnpj" },
    { region: "PT", taxId: "PT 501 964 843", stored: "501964843", kind: "nif" },
  ] as const)(
    "reads the tax id $taxId of an organisation in $region as a $kind",
    async ({ region, taxId, stored, kind }) => {
      const tenant = await newTenant();
      await setRegion(tenant, region);

      const company = await createCompany(tenant, { name: "Empresa", taxId });

      expect(company).toMatchObject({ taxId: stored, taxIdKind: kind });
    },
  );

  it("follows taxIdKind over the region: a Portuguese supplier of a Brazilian organisation", async () => {
    const tenant = await newTenant();

    const company = await createCompany(tenant, {
      name: "Fornecedor Lisboa",
      taxId: "501964843",
      taxIdKind: "nif",
    });

    expect(company).toMatchObject({ taxIdKind: "nif", taxIdFormatted: "501 964 843" });
  });

  it.each([
    {
      problem: "the CNPJ check digits are wrong",
      body: { taxId: "12.ABC.345/01DE-36" },
      path: "taxId",
    },
    { problem: "a NIF is read as a CNPJ", body: { taxId: "501964843" }, path: "taxId" },
    {
      problem: "the NIF check digit is wrong",
      body: { taxId: "501964842", taxIdKind: "nif" },
      path: "taxId",
    },
    { problem: "taxIdKind comes without taxId", body: { taxIdKind: "nif" }, path: "taxIdKind" },
    { problem: "a domain is a URL", body: { domains: ["https://x.com"] }, path: "domains.0" },
    { problem: "a domain is listed twice", body: { domains: ["a.com", "A.com"] }, path: "domains" },
    { problem: "the website is not http(s)", body: { website: "ftp://x.com" }, path: "website" },
    { problem: "the size is unknown", body: { size: "huge" }, path: "size" },
    { problem: "a phone is not one", body: { phones: ["123"] }, path: "phones.0" },
    { problem: "the name is blank", body: { name: " " }, path: "name" },
  ])("answers 400 naming the field when $problem", async ({ body, path }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(COMPANIES, {
      method: "POST",
      body: { name: "Empresa", ...body },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
    expect(await countOf(tenant, COMPANIES)).toBe(0);
  });

  it.each(["org_id", "version", "createdBy", "deleted_at", "taxIdFormatted"])(
    "refuses the field %s, which clients cannot set",
    async (field) => {
      const tenant = await newTenant();

      const res = await tenant.call<ApiError>(COMPANIES, {
        method: "POST",
        body: { name: "Empresa", [field]: "x" },
      });

      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error.details)).toContain(field);
    },
  );

  it("answers 403 to a viewer", async () => {
    const owner = await newTenant();
    const viewer = await addMember(owner, "viewer");

    const res = await viewer.call<ApiError>(COMPANIES, { method: "POST", body: { name: "X" } });

    expect(res.status).toBe(403);
  });
});

describe("PATCH /api/v1/companies/:id", () => {
  it("changes what is sent, clears the tax id with null, and records old and new values", async () => {
    const tenant = await newTenant();
    const company = await createCompany(tenant, { name: "Aurora", taxId: "11222333000181" });

    const renamed = await tenant.call<{ data: Company }>(`${COMPANIES}/${company.id}`, {
      method: "PATCH",
      body: { version: 1, name: "Aurora Pães", taxId: null },
    });

    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({
      name: "Aurora Pães",
      taxId: null,
      taxIdKind: null,
      taxIdFormatted: null,
      version: 2,
    });
    const [updated] = await timelineOf(tenant, `${COMPANIES}/${company.id}`);
    expect(updated).toMatchObject({
      kind: "updated",
      actorId: tenant.userId,
      changes: {
        name: { old: "Aurora", new: "Aurora Pães" },
        taxId: { old: "11222333000181", new: null },
        taxIdKind: { old: "cnpj", new: null },
      },
    });
  });

  it("answers 409 VERSION_CONFLICT for a stale version and 404 for a company in the trash", async () => {
    const tenant = await newTenant();
    const company = await createCompany(tenant, { name: "Aurora" });
    await tenant.call(`${COMPANIES}/${company.id}`, {
      method: "PATCH",
      body: { version: 1, industry: "Pães" },
    });

    const stale = await tenant.call<ApiError>(`${COMPANIES}/${company.id}`, {
      method: "PATCH",
      body: { version: 1, industry: "Doces" },
    });
    await tenant.call(`${COMPANIES}/${company.id}`, { method: "DELETE" });
    const trashed = await tenant.call<ApiError>(`${COMPANIES}/${company.id}`, {
      method: "PATCH",
      body: { version: 3, industry: "Doces" },
    });

    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("VERSION_CONFLICT");
    expect(trashed.status).toBe(404);
  });
});

describe("GET /api/v1/companies", () => {
  it("sorts by name, filters by tag, and counts what matches", async () => {
    const tenant = await newTenant();
    const client = await createTag(tenant, "company", "Cliente");
    for (const name of ["Casa do Pão", "Açougue Bom", "Bazar Central"]) {
      await createCompany(tenant, { name, tagIds: name === "Casa do Pão" ? [client.id] : [] });
    }

    const byName = await tenant.call<Page<Company>>(`${COMPANIES}?sort=name&limit=2`);
    const rest = await tenant.call<Page<Company>>(
      `${COMPANIES}?sort=name&limit=2&cursor=${byName.body.nextCursor}`,
    );
    const tagged = await tenant.call<Page<Company>>(`${COMPANIES}?tagId=${client.id}`);

    expect([...byName.body.data, ...rest.body.data].map((c) => c.name)).toEqual([
      "Açougue Bom",
      "Bazar Central",
      "Casa do Pão",
    ]);
    expect(byName.body.total).toBe(3);
    expect(tagged.body.data.map((c) => c.name)).toEqual(["Casa do Pão"]);
    expect(tagged.body.total).toBe(1);
  });
});

describe("a company of another organisation", () => {
  it.each([
    { method: "GET", path: "", body: undefined },
    { method: "PATCH", path: "", body: { version: 1, name: "Hijacked" } },
    { method: "DELETE", path: "", body: undefined },
    { method: "POST", path: "/restore", body: undefined },
    { method: "GET", path: "/timeline", body: undefined },
  ])("answers 404 to $method $path and stays unchanged", async ({ method, path, body }) => {
    const [owner, stranger] = await Promise.all([newTenant("Owner"), newTenant("Stranger")]);
    const company = await createCompany(owner, { name: "Private" });

    const res = await stranger.call<ApiError>(`${COMPANIES}/${company.id}${path}`, {
      method,
      body,
    });

    expect(res.status).toBe(404);
    expect(await read(owner, `${COMPANIES}/${company.id}`)).toEqual(company);
  });
});

describe("every companies route", () => {
  // The role matrix and the cross-site checks of these routes are in companies-security.test.ts.
  const routes: Route[] = [
    { method: "GET", path: COMPANIES },
    { method: "POST", path: COMPANIES, body: { name: "Empresa" } },
    { method: "GET", path: `${COMPANIES}/:id` },
    { method: "PATCH", path: `${COMPANIES}/:id`, body: { version: 1, name: "Owned" } },
    { method: "DELETE", path: `${COMPANIES}/:id` },
    { method: "POST", path: `${COMPANIES}/:id/restore` },
    { method: "GET", path: `${COMPANIES}/:id/timeline` },
  ];

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s refuses every request without a valid session",
    async (_name, route) => {
      const owner = await newTenant();
      const company = await createCompany(owner, { name: "Secret" });

      await expectRouteRefusesWithoutValidSession(
        { ...route, path: route.path.replace(":id", company.id) },
        owner,
      );
    },
  );
});
