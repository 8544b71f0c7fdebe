import { describe, expect, it } from "vitest";
import { newTenant } from "../support/api.ts";
import {
  type ApiError,
  countOf,
  createPerson,
  type Person,
  read,
  timelineOf,
} from "../support/crm-records.ts";
import { addMember } from "../support/members.ts";
import { expectRouteRefusesWithoutValidSession, type Route } from "../support/security.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PEOPLE = "/api/v1/people";

describe("POST /api/v1/people", () => {
  it("creates a person and answers 201 with them, as GET shows them", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<{ data: Person }>(PEOPLE, {
      method: "POST",
      body: {
        firstName: " Ana ",
        lastName: "Souza",
        emails: [" Ana@Example.COM ", "ana@example.com", "ana.souza@padaria.com.br"],
        phones: ["(11) 98765-4321"],
        jobTitle: "Compradora",
      },
    });

    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      firstName: "Ana",
      lastName: "Souza",
      emails: ["ana@example.com", "ana.souza@padaria.com.br"],
      phones: [
        { e164: "+5511987654321", national: "(11) 98765-4321", international: "+55 11 98765 4321" },
      ],
      jobTitle: "Compradora",
      companyId: null,
      cpf: null,
      address: null,
      ownerId: tenant.userId,
      createdBy: tenant.userId,
      tagIds: [],
      custom: {},
      version: 1,
    });
    expect(res.body.data.id).toMatch(UUID);
    expect(await read(tenant, `${PEOPLE}/${res.body.data.id}`)).toEqual(res.body.data);
  });

  it.each([
    { problem: "firstName is missing", body: { lastName: "Souza" }, path: "firstName" },
    { problem: "firstName is blank", body: { firstName: "   " }, path: "firstName" },
    { problem: "firstName is too long", body: { firstName: "a".repeat(201) }, path: "firstName" },
    { problem: "firstName is not a string", body: { firstName: 42 }, path: "firstName" },
    {
      problem: "an email is invalid",
      body: { firstName: "Ana", emails: ["ana@"] },
      path: "emails.0",
    },
    {
      problem: "emails is a string",
      body: { firstName: "Ana", emails: "a@b.com" },
      path: "emails",
    },
    {
      problem: "the postal code is a number (a CEP would lose its leading zero)",
      body: { firstName: "Ana", address: { postalCode: 1310100 } },
      path: "address.postalCode",
    },
    {
      problem: "the address has an unknown part",
      body: { firstName: "Ana", address: { street: "Rua A", org_id: "x" } },
      path: "address",
    },
  ])("answers 400 VALIDATION_FAILED naming the field when $problem", async ({ body, path }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(PEOPLE, { method: "POST", body });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
    expect(await countOf(tenant, PEOPLE)).toBe(0);
  });

  it.each([
    { field: "org_id", value: crypto.randomUUID() },
    { field: "orgId", value: crypto.randomUUID() },
    { field: "id", value: crypto.randomUUID() },
    { field: "version", value: 7 },
    { field: "createdBy", value: crypto.randomUUID() },
    { field: "created_by", value: crypto.randomUUID() },
    { field: "createdAt", value: "2020-01-01T00:00:00Z" },
    { field: "deletedAt", value: "2020-01-01T00:00:00Z" },
    { field: "deleted_at", value: "2020-01-01T00:00:00Z" },
    { field: "search", value: "planted" },
  ])(
    "refuses the field $field, which clients cannot set, with 400 naming it",
    async ({ field, value }) => {
      const tenant = await newTenant();

      const res = await tenant.call<ApiError>(PEOPLE, {
        method: "POST",
        body: { firstName: "Ana", [field]: value },
      });

      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(JSON.stringify(res.body.error.details)).toContain(field);
      expect(await countOf(tenant, PEOPLE)).toBe(0);
    },
  );

  it("answers 400 MALFORMED_JSON to a body that is not JSON", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(PEOPLE, {
      method: "POST",
      body: '{"firstName": "Ana",',
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("MALFORMED_JSON");
    expect(res.body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("cannot create a person inside another organisation by naming its org_id", async () => {
    const [attacker, victim] = await Promise.all([newTenant("Attacker"), newTenant("Victim")]);

    const res = await attacker.call<ApiError>(PEOPLE, {
      method: "POST",
      body: { firstName: "Planted", org_id: victim.orgId },
    });

    expect(res.status).toBe(400);
    expect(await countOf(victim, PEOPLE)).toBe(0);
    expect(await countOf(attacker, PEOPLE)).toBe(0);
  });

  it("answers 403 to a viewer and creates nothing", async () => {
    const owner = await newTenant();
    const viewer = await addMember(owner, "viewer");

    const res = await viewer.call<ApiError>(PEOPLE, { method: "POST", body: { firstName: "Ana" } });

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect(await countOf(owner, PEOPLE)).toBe(0);
  });

  it("lets a member create", async () => {
    const owner = await newTenant();
    const member = await addMember(owner, "member");

    const person = await createPerson(member, { firstName: "Ana" });

    expect(person).toMatchObject({ ownerId: member.userId, createdBy: member.userId });
    expect(await countOf(owner, PEOPLE)).toBe(1);
  });
});

describe("GET /api/v1/people/:id", () => {
  it("returns the person, also to a viewer", async () => {
    const tenant = await newTenant();
    const person = await createPerson(tenant, { firstName: "Bia", emails: ["bia@example.com"] });
    const viewer = await addMember(tenant, "viewer");

    const res = await viewer.call<{ data: Person }>(`${PEOPLE}/${person.id}`);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(person);
  });

  it("returns 404 for an id that exists nowhere", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(`${PEOPLE}/${crypto.randomUUID()}`);

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
  });

  it("answers 400 VALIDATION_FAILED to an id that is not a uuid", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(`${PEOPLE}/not-a-uuid`);

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["id"]);
  });
});

describe("PATCH /api/v1/people/:id", () => {
  it("changes the fields sent, keeps the others and increments the version", async () => {
    const tenant = await newTenant();
    const person = await createPerson(tenant, {
      firstName: "Caio",
      lastName: "Lima",
      emails: ["caio@example.com"],
    });

    const res = await tenant.call<{ data: Person }>(`${PEOPLE}/${person.id}`, {
      method: "PATCH",
      body: { version: 1, lastName: "Lima Filho", emails: [] },
    });

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: person.id,
      firstName: "Caio",
      lastName: "Lima Filho",
      emails: [],
      version: 2,
      createdAt: person.createdAt,
    });
    expect(Date.parse(res.body.data.updatedAt)).toBeGreaterThan(Date.parse(person.updatedAt));
    expect(await read(tenant, `${PEOPLE}/${person.id}`)).toEqual(res.body.data);
  });

  it("answers 409 VERSION_CONFLICT to the second of two edits of the same version", async () => {
    const tenant = await newTenant();
    const person = await createPerson(tenant, { firstName: "Caio", jobTitle: "Gerente" });
    const colleague = await addMember(tenant, "member");

    const first = await colleague.call(`${PEOPLE}/${person.id}`, {
      method: "PATCH",
      body: { version: 1, jobTitle: "Diretor" },
    });
    const second = await tenant.call<ApiError>(`${PEOPLE}/${person.id}`, {
      method: "PATCH",
      body: { version: 1, jobTitle: "Estagiário" },
    });

    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("VERSION_CONFLICT");
    expect(await read(tenant, `${PEOPLE}/${person.id}`)).toMatchObject({
      jobTitle: "Diretor",
      version: 2,
    });
  });

  it("lets exactly one of many simultaneous edits of the same version win", async () => {
    const tenant = await newTenant();
    const person = await createPerson(tenant, { firstName: "Caio" });

    const results = await Promise.all(
      ["A", "B", "C", "D", "E", "F"].map((title) =>
        tenant.call(`${PEOPLE}/${person.id}`, {
          method: "PATCH",
          body: { version: 1, jobTitle: title },
        }),
      ),
    );

    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
    const updates = (await timelineOf(tenant, `${PEOPLE}/${person.id}`)).filter(
      (e) => e.kind === "updated",
    );
    expect(updates).toHaveLength(1);
    expect((await read<Person>(tenant, `${PEOPLE}/${person.id}`)).version).toBe(2);
  });

  it("answers 404, not 409, for a person in the trash", async () => {
    const tenant = await newTenant();
    const person = await createPerson(tenant, { firstName: "Caio" });
    await tenant.call(`${PEOPLE}/${person.id}`, { method: "DELETE" });

    const res = await tenant.call<ApiError>(`${PEOPLE}/${person.id}`, {
      method: "PATCH",
      body: { version: 2, firstName: "Back" },
    });

    expect(res.status).toBe(404);
  });

  it.each([
    { problem: "the body is empty", body: {}, code: "VALIDATION_FAILED" },
    { problem: "only the version is sent", body: { version: 1 }, code: "VALIDATION_FAILED" },
    { problem: "the version is missing", body: { firstName: "X" }, code: "VALIDATION_FAILED" },
    {
      problem: "firstName is blank",
      body: { version: 1, firstName: "" },
      code: "VALIDATION_FAILED",
    },
    {
      problem: "an email is invalid",
      body: { version: 1, emails: ["nope"] },
      code: "VALIDATION_FAILED",
    },
    {
      problem: "org_id is sent",
      body: { version: 1, org_id: crypto.randomUUID() },
      code: "VALIDATION_FAILED",
    },
    {
      problem: "deletedAt is sent",
      body: { version: 1, deletedAt: null },
      code: "VALIDATION_FAILED",
    },
    { problem: "the body is not JSON", body: "{", code: "MALFORMED_JSON" },
  ])("answers 400 $code when $problem, and changes nothing", async ({ body, code }) => {
    const tenant = await newTenant();
    const person = await createPerson(tenant, { firstName: "Caio" });

    const res = await tenant.call<ApiError>(`${PEOPLE}/${person.id}`, { method: "PATCH", body });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(await read(tenant, `${PEOPLE}/${person.id}`)).toEqual(person);
  });

  it("answers 403 to a viewer and changes nothing", async () => {
    const owner = await newTenant();
    const person = await createPerson(owner, { firstName: "Caio" });
    const viewer = await addMember(owner, "viewer");

    const res = await viewer.call<ApiError>(`${PEOPLE}/${person.id}`, {
      method: "PATCH",
      body: { version: 1, firstName: "Hijacked" },
    });

    expect(res.status).toBe(403);
    expect(await read(owner, `${PEOPLE}/${person.id}`)).toEqual(person);
  });
});

describe("DELETE /api/v1/people/:id", () => {
  it("moves the person to the trash: 204, then 404 everywhere, and out of the list", async () => {
    const tenant = await newTenant();
    const person = await createPerson(tenant, { firstName: "Davi" });

    const res = await tenant.call(`${PEOPLE}/${person.id}`, { method: "DELETE" });

    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect((await tenant.call(`${PEOPLE}/${person.id}`)).status).toBe(404);
    expect((await tenant.call(`${PEOPLE}/${person.id}/timeline`)).status).toBe(404);
    expect((await tenant.call(`${PEOPLE}/${person.id}`, { method: "DELETE" })).status).toBe(404);
    expect(await countOf(tenant, PEOPLE)).toBe(0);
  });

  it("answers 403 to a viewer and keeps the person", async () => {
    const owner = await newTenant();
    const person = await createPerson(owner, { firstName: "Davi" });
    const viewer = await addMember(owner, "viewer");

    const res = await viewer.call(`${PEOPLE}/${person.id}`, { method: "DELETE" });

    expect(res.status).toBe(403);
    expect(await read(owner, `${PEOPLE}/${person.id}`)).toEqual(person);
  });
});

describe("GET /api/v1/people/:id/timeline", () => {
  it("shows every change newest first, with who made it and the old and new values", async () => {
    const tenant = await newTenant();
    const colleague = await addMember(tenant, "member");
    const person = await createPerson(tenant, { firstName: "Eva", jobTitle: "Analista" });
    await colleague.call(`${PEOPLE}/${person.id}`, {
      method: "PATCH",
      body: { version: 1, jobTitle: "Gerente", lastName: "Prado" },
    });
    await tenant.call(`${PEOPLE}/${person.id}`, { method: "DELETE" });
    await tenant.call(`${PEOPLE}/${person.id}/restore`, { method: "POST" });

    const events = await timelineOf(tenant, `${PEOPLE}/${person.id}`);

    expect(events.map((e) => [e.kind, e.actorId])).toEqual([
      ["restored", tenant.userId],
      ["deleted", tenant.userId],
      ["updated", colleague.userId],
      ["created", tenant.userId],
    ]);
    expect(events[2]?.changes).toEqual({
      jobTitle: { old: "Analista", new: "Gerente" },
      lastName: { old: "", new: "Prado" },
    });
    expect(events[3]?.changes).toMatchObject({
      firstName: { old: null, new: "Eva" },
      jobTitle: { old: null, new: "Analista" },
    });
  });

  it("writes no entry for an update that changes nothing", async () => {
    const tenant = await newTenant();
    const person = await createPerson(tenant, { firstName: "Eva" });

    const res = await tenant.call<{ data: Person }>(`${PEOPLE}/${person.id}`, {
      method: "PATCH",
      body: { version: 1, firstName: "Eva" },
    });

    expect(res.body.data.version).toBe(1);
    expect((await timelineOf(tenant, `${PEOPLE}/${person.id}`)).map((e) => e.kind)).toEqual([
      "created",
    ]);
  });

  it("pages with a cursor and counts every event", async () => {
    const tenant = await newTenant();
    const person = await createPerson(tenant, { firstName: "Eva" });
    for (const version of [1, 2, 3]) {
      await tenant.call(`${PEOPLE}/${person.id}`, {
        method: "PATCH",
        body: { version, jobTitle: `Cargo ${version}` },
      });
    }

    const first = await tenant.call<{ data: unknown[]; nextCursor: string; total: number }>(
      `${PEOPLE}/${person.id}/timeline?limit=3`,
    );
    const second = await tenant.call<{ data: unknown[]; nextCursor: string | null }>(
      `${PEOPLE}/${person.id}/timeline?limit=3&cursor=${first.body.nextCursor}`,
    );

    expect(first.body.total).toBe(4);
    expect(first.body.data).toHaveLength(3);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe("a person of another organisation", () => {
  it.each([
    { method: "GET", path: "", body: undefined },
    { method: "PATCH", path: "", body: { version: 1, firstName: "Hijacked" } },
    { method: "DELETE", path: "", body: undefined },
    { method: "POST", path: "/restore", body: undefined },
    { method: "GET", path: "/timeline", body: undefined },
  ])("answers 404 to $method $path and stays unchanged", async ({ method, path, body }) => {
    const [owner, stranger] = await Promise.all([newTenant("Owner"), newTenant("Stranger")]);
    const person = await createPerson(owner, { firstName: "Private", emails: ["p@example.com"] });

    const res = await stranger.call<ApiError>(`${PEOPLE}/${person.id}${path}`, { method, body });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect(await read(owner, `${PEOPLE}/${person.id}`)).toEqual(person);
  });
});

describe("every people route", () => {
  // The role matrix and the cross-site checks of these routes are in people-security.test.ts.
  const routes = (id: string): Route[] => [
    { method: "GET", path: PEOPLE },
    { method: "POST", path: PEOPLE, body: { firstName: "Ana" } },
    { method: "GET", path: `${PEOPLE}/${id}` },
    { method: "PATCH", path: `${PEOPLE}/${id}`, body: { version: 1, firstName: "Owned" } },
    { method: "DELETE", path: `${PEOPLE}/${id}` },
    { method: "POST", path: `${PEOPLE}/${id}/restore` },
    { method: "GET", path: `${PEOPLE}/${id}/timeline` },
  ];

  it.each(routes(":id").map((r) => [`${r.method} ${r.path}`, r]))(
    "%s refuses every request without a valid session",
    async (_name, route) => {
      const owner = await newTenant();
      const person = await createPerson(owner, { firstName: "Secret" });

      await expectRouteRefusesWithoutValidSession(
        { ...route, path: route.path.replace(":id", person.id) },
        owner,
      );
    },
  );
});
