import { describe, expect, it } from "vitest";
import { newTenant } from "../support/api.ts";
import {
  type ApiError,
  created,
  createPerson,
  type Page,
  type Person,
  read,
} from "../support/crm-records.ts";
import { addMember } from "../support/members.ts";
import { expectRouteRefusesWithoutValidSession, type Route } from "../support/security.ts";

type Field = {
  id: string;
  entity: string;
  key: string;
  label: string;
  type: string;
  options: string[];
  required: boolean;
  position: number;
};

const FIELDS = "/api/v1/custom-fields";
const segment = {
  entity: "person",
  key: "segmento",
  label: "Segmento",
  type: "select",
  options: ["varejo", "atacado"],
};

describe("POST /api/v1/custom-fields", () => {
  it.each([
    { type: "text" },
    { type: "number" },
    { type: "date" },
    { type: "boolean" },
    { type: "url" },
    { type: "select", options: ["a", "b"] },
    { type: "multiselect", options: ["a", "b"] },
  ])("defines a $type field", async (definition) => {
    const tenant = await newTenant();

    const res = await tenant.call<{ data: Field }>(FIELDS, {
      method: "POST",
      body: { entity: "company", key: "campo", label: "Campo", ...definition },
    });

    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      entity: "company",
      key: "campo",
      type: definition.type,
      options: definition.options ?? [],
      required: false,
    });
  });

  it.each([
    {
      problem: "a select has no options",
      body: { ...segment, options: undefined },
      path: "options",
    },
    { problem: "a text field has options", body: { ...segment, type: "text" }, path: "options" },
    { problem: "an option repeats", body: { ...segment, options: ["a", "a"] }, path: "options" },
    { problem: "the key has capitals", body: { ...segment, key: "Segmento" }, path: "key" },
    { problem: "the key starts with a digit", body: { ...segment, key: "1a" }, path: "key" },
    { problem: "the type is unknown", body: { ...segment, type: "color" }, path: "type" },
    { problem: "the entity is unknown", body: { ...segment, entity: "task" }, path: "entity" },
    { problem: "org_id is sent", body: { ...segment, org_id: crypto.randomUUID() }, path: "" },
  ])("answers 400 naming the field when $problem", async ({ body, path }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(FIELDS, { method: "POST", body });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
  });

  it("refuses a second field with the same key for the same kind of record", async () => {
    const tenant = await newTenant();
    await created(tenant, FIELDS, segment);

    const res = await tenant.call<ApiError>(FIELDS, { method: "POST", body: segment });
    const forCompanies = await tenant.call(FIELDS, {
      method: "POST",
      body: { ...segment, entity: "company" },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["key"]);
    expect(forCompanies.status).toBe(201);
  });

  it.each(["member", "viewer"] as const)("answers 403 to a %s", async (role) => {
    const owner = await newTenant();
    const caller = await addMember(owner, role);

    const res = await caller.call(FIELDS, { method: "POST", body: segment });

    expect(res.status).toBe(403);
  });
});

describe("GET /api/v1/custom-fields", () => {
  it("lists the definitions by kind and position to anyone in the organisation", async () => {
    const [tenant, stranger] = await Promise.all([newTenant(), newTenant("Stranger")]);
    await created(tenant, FIELDS, { ...segment, key: "b", position: 2 });
    await created(tenant, FIELDS, { ...segment, key: "a", position: 5 });
    await created(tenant, FIELDS, { ...segment, key: "c", position: 1 });
    await created(tenant, FIELDS, { ...segment, entity: "deal", key: "d" });
    await created(stranger, FIELDS, { ...segment, key: "alheio" });
    const viewer = await addMember(tenant, "viewer");

    const res = await viewer.call<Page<Field>>(`${FIELDS}?entity=person`);

    expect(res.body.data.map((f) => f.key)).toEqual(["c", "b", "a"]);
    expect(res.body.total).toBe(3);
  });
});

describe("PATCH /api/v1/custom-fields/:id", () => {
  it("changes label, options and required, but not the key or type", async () => {
    const tenant = await newTenant();
    const field = await created<Field>(tenant, FIELDS, segment);

    const res = await tenant.call<{ data: Field }>(`${FIELDS}/${field.id}`, {
      method: "PATCH",
      body: {
        label: "Segmento de mercado",
        options: ["varejo", "atacado", "governo"],
        required: true,
      },
    });
    const rekey = await tenant.call<ApiError>(`${FIELDS}/${field.id}`, {
      method: "PATCH",
      body: { key: "outro", type: "text" },
    });

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      key: "segmento",
      label: "Segmento de mercado",
      options: ["varejo", "atacado", "governo"],
      required: true,
    });
    expect(rekey.status).toBe(400);
  });

  it("refuses options for a field that has none", async () => {
    const tenant = await newTenant();
    const field = await created<Field>(tenant, FIELDS, {
      ...segment,
      type: "text",
      options: undefined,
    });

    const res = await tenant.call<ApiError>(`${FIELDS}/${field.id}`, {
      method: "PATCH",
      body: { options: ["x"] },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["options"]);
  });
});

describe("DELETE /api/v1/custom-fields/:id", () => {
  it("deletes the definition and its values from the records", async () => {
    const tenant = await newTenant();
    const field = await created<Field>(tenant, FIELDS, segment);
    await created(tenant, FIELDS, { ...segment, key: "outro" });
    const person = await createPerson(tenant, {
      firstName: "Ana",
      custom: { segmento: "varejo", outro: "atacado" },
    });

    const res = await tenant.call(`${FIELDS}/${field.id}`, { method: "DELETE" });

    expect(res.status).toBe(204);
    expect((await read<Person>(tenant, `/api/v1/people/${person.id}`)).custom).toEqual({
      outro: "atacado",
    });
  });

  it("answers 404 to another organisation, whose field and values stay", async () => {
    const [owner, stranger] = await Promise.all([newTenant("Owner"), newTenant("Stranger")]);
    const field = await created<Field>(owner, FIELDS, segment);
    const person = await createPerson(owner, { firstName: "Ana", custom: { segmento: "varejo" } });

    const res = await stranger.call(`${FIELDS}/${field.id}`, { method: "DELETE" });

    expect(res.status).toBe(404);
    expect((await read<Person>(owner, `/api/v1/people/${person.id}`)).custom).toEqual({
      segmento: "varejo",
    });
  });

  it("answers 403 to a member", async () => {
    const owner = await newTenant();
    const field = await created<Field>(owner, FIELDS, segment);
    const member = await addMember(owner, "member");

    expect((await member.call(`${FIELDS}/${field.id}`, { method: "DELETE" })).status).toBe(403);
  });
});

describe("every custom fields route", () => {
  const routes: Route[] = [
    { method: "GET", path: FIELDS },
    { method: "POST", path: FIELDS, body: { ...segment, key: "forged" } },
    { method: "PATCH", path: `${FIELDS}/:id`, body: { label: "Owned" } },
    { method: "DELETE", path: `${FIELDS}/:id` },
  ];

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s refuses every request without a valid session",
    async (_name, route) => {
      const owner = await newTenant();
      const field = await created<Field>(owner, FIELDS, segment);

      await expectRouteRefusesWithoutValidSession(
        { ...route, path: route.path.replace(":id", field.id) },
        owner,
      );
    },
  );
});
