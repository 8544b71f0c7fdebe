import { describe, expect, it } from "vitest";
import { newTenant, type Tenant } from "../support/api.ts";
import {
  expectRouteRefusesCrossSite,
  expectRouteRefusesWithoutValidSession,
} from "../support/security.ts";

type Contact = {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
};
type ApiError = {
  error: { code: string; message: string; requestId: string; details?: Detail[] };
};
type Detail = { path: string; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("POST /api/v1/contacts", () => {
  it("creates a contact and answers 201 with it", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<{ data: Contact }>("/api/v1/contacts", {
      method: "POST",
      body: { firstName: " Ana ", lastName: "Souza", email: " Ana@Example.COM ", phone: "+55 11" },
    });

    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      firstName: "Ana",
      lastName: "Souza",
      email: "ana@example.com",
      phone: "+55 11",
    });
    expect(res.body.data.id).toMatch(UUID);
    const read = await tenant.call<{ data: Contact }>(`/api/v1/contacts/${res.body.data.id}`);
    expect(read.body.data).toEqual(res.body.data);
  });

  it.each([
    { problem: "firstName is missing", body: { lastName: "Souza" }, path: "firstName" },
    { problem: "firstName is blank", body: { firstName: "   " }, path: "firstName" },
    { problem: "firstName is too long", body: { firstName: "a".repeat(201) }, path: "firstName" },
    { problem: "email is not an email", body: { firstName: "Ana", email: "ana@" }, path: "email" },
    { problem: "firstName is not a string", body: { firstName: 42 }, path: "firstName" },
  ])("answers 400 VALIDATION_FAILED when $problem", async ({ body, path }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/contacts", { method: "POST", body });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
    expect(await contactCount(tenant)).toBe(0);
  });

  it.each([
    { field: "org_id", value: crypto.randomUUID() },
    { field: "orgId", value: crypto.randomUUID() },
    { field: "id", value: crypto.randomUUID() },
    { field: "createdAt", value: "2020-01-01T00:00:00Z" },
  ])("refuses the unknown field $field with 400 and names it", async ({ field, value }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/contacts", {
      method: "POST",
      body: { firstName: "Ana", [field]: value },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(JSON.stringify(res.body.error.details)).toContain(field);
    expect(await contactCount(tenant)).toBe(0);
  });

  it("answers 400 MALFORMED_JSON to a body that is not JSON", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/contacts", {
      method: "POST",
      body: '{"firstName": "Ana",',
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("MALFORMED_JSON");
    expect(res.body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("cannot create a contact inside another organisation by naming its org_id", async () => {
    const [attacker, victim] = await Promise.all([newTenant("Attacker"), newTenant("Victim")]);

    const res = await attacker.call<ApiError>("/api/v1/contacts", {
      method: "POST",
      body: { firstName: "Planted", org_id: victim.orgId },
    });

    expect(res.status).toBe(400);
    expect(await contactCount(victim)).toBe(0);
    expect(await contactCount(attacker)).toBe(0);
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({
      method: "POST",
      path: "/api/v1/contacts",
      body: { firstName: "Ana" },
    });
  });

  it("refuses cross-site requests and requests without the session's CSRF token", async () => {
    const tenant = await newTenant();

    await expectRouteRefusesCrossSite(
      { method: "POST", path: "/api/v1/contacts", body: { firstName: "Ana" } },
      tenant,
    );

    // Only the genuine request at the end created a contact.
    expect(await contactCount(tenant)).toBe(1);
  });
});

describe("GET /api/v1/contacts/:id", () => {
  it("returns the contact", async () => {
    const tenant = await newTenant();
    const contact = await createContact(tenant, { firstName: "Bia", email: "bia@example.com" });

    const res = await tenant.call<{ data: Contact }>(`/api/v1/contacts/${contact.id}`);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(contact);
  });

  it("returns 404 for an id that exists nowhere", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(`/api/v1/contacts/${crypto.randomUUID()}`);

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
  });

  it("answers 400 VALIDATION_FAILED to an id that is not a uuid", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/contacts/not-a-uuid");

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["id"]);
  });

  it("refuses every request without a valid session", async () => {
    const owner = await newTenant();
    const contact = await createContact(owner, { firstName: "Secret" });

    await expectRouteRefusesWithoutValidSession(
      { method: "GET", path: `/api/v1/contacts/${contact.id}` },
      owner,
    );
  });
});

describe("GET /api/v1/contacts", () => {
  it("pages newest first with a keyset cursor until nextCursor is null", async () => {
    const tenant = await newTenant();
    const created: string[] = [];
    // One at a time, so the creation order (and so the id order) is known.
    for (const n of [1, 2, 3, 4, 5]) {
      created.push((await createContact(tenant, { firstName: `Contact ${n}` })).id);
    }

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const res = await tenant.call<{ data: Contact[]; nextCursor: string | null }>(
        `/api/v1/contacts${query}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((c) => c.id));
      pageSizes.push(res.body.data.length);
      cursor = res.body.nextCursor;
    } while (cursor && pageSizes.length < 10);

    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(created.toReversed());
  });

  it("lists only the organisation's own contacts", async () => {
    const [mine, theirs] = await Promise.all([newTenant("Mine"), newTenant("Theirs")]);
    const own = await createContact(mine, { firstName: "Mine" });
    await createContact(theirs, { firstName: "Theirs" });

    const res = await mine.call<{ data: Contact[]; nextCursor: string | null }>("/api/v1/contacts");

    expect(res.body).toEqual({ data: [own], nextCursor: null });
  });

  it.each([
    { query: "?limit=0", path: "limit" },
    { query: "?limit=201", path: "limit" },
    { query: "?limit=two", path: "limit" },
    { query: "?cursor=not-a-uuid", path: "cursor" },
    { query: "?org_id=00000000-0000-0000-0000-000000000000", path: "" },
  ])("answers 400 VALIDATION_FAILED to $query", async ({ query, path }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(`/api/v1/contacts${query}`);

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
  });

  it("refuses every request without a valid session", async () => {
    const owner = await newTenant();
    await createContact(owner, { firstName: "Secret" });

    await expectRouteRefusesWithoutValidSession({ method: "GET", path: "/api/v1/contacts" }, owner);
  });
});

describe("PATCH /api/v1/contacts/:id", () => {
  it("changes the fields sent and keeps the others", async () => {
    const tenant = await newTenant();
    const contact = await createContact(tenant, {
      firstName: "Caio",
      lastName: "Lima",
      email: "caio@example.com",
    });

    const res = await tenant.call<{ data: Contact }>(`/api/v1/contacts/${contact.id}`, {
      method: "PATCH",
      body: { lastName: "Lima Filho", email: null },
    });

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: contact.id,
      firstName: "Caio",
      lastName: "Lima Filho",
      email: null,
      createdAt: contact.createdAt,
    });
    expect(Date.parse(res.body.data.updatedAt)).toBeGreaterThanOrEqual(
      Date.parse(contact.updatedAt),
    );
    expect((await readContact(tenant, contact.id)).lastName).toBe("Lima Filho");
  });

  it.each([
    { problem: "the body is empty", body: {}, code: "VALIDATION_FAILED" },
    { problem: "firstName is blank", body: { firstName: "" }, code: "VALIDATION_FAILED" },
    { problem: "email is invalid", body: { email: "nope" }, code: "VALIDATION_FAILED" },
    { problem: "the body is not JSON", body: "{", code: "MALFORMED_JSON" },
  ])("answers 400 $code when $problem, and changes nothing", async ({ body, code }) => {
    const tenant = await newTenant();
    const contact = await createContact(tenant, { firstName: "Caio" });

    const res = await tenant.call<ApiError>(`/api/v1/contacts/${contact.id}`, {
      method: "PATCH",
      body,
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(await readContact(tenant, contact.id)).toEqual(contact);
  });

  it("cannot move a contact to another organisation by naming its org_id", async () => {
    const [attacker, victim] = await Promise.all([newTenant("Attacker"), newTenant("Victim")]);
    const contact = await createContact(attacker, { firstName: "Mover" });

    const res = await attacker.call<ApiError>(`/api/v1/contacts/${contact.id}`, {
      method: "PATCH",
      body: { org_id: victim.orgId },
    });

    expect(res.status).toBe(400);
    expect(await readContact(attacker, contact.id)).toEqual(contact);
    expect(await contactCount(victim)).toBe(0);
  });

  it("refuses every request without a valid session", async () => {
    const owner = await newTenant();
    const contact = await createContact(owner, { firstName: "Secret" });

    await expectRouteRefusesWithoutValidSession(
      { method: "PATCH", path: `/api/v1/contacts/${contact.id}`, body: { firstName: "Owned" } },
      owner,
    );
  });

  it("refuses cross-site requests and requests without the session's CSRF token", async () => {
    const owner = await newTenant();
    const contact = await createContact(owner, { firstName: "Secret" });

    await expectRouteRefusesCrossSite(
      { method: "PATCH", path: `/api/v1/contacts/${contact.id}`, body: { firstName: "Owned" } },
      owner,
    );
  });
});

describe("DELETE /api/v1/contacts/:id", () => {
  it("deletes the contact and answers 204", async () => {
    const tenant = await newTenant();
    const contact = await createContact(tenant, { firstName: "Davi" });

    const res = await tenant.call(`/api/v1/contacts/${contact.id}`, { method: "DELETE" });

    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect((await tenant.call(`/api/v1/contacts/${contact.id}`)).status).toBe(404);
    const again = await tenant.call(`/api/v1/contacts/${contact.id}`, { method: "DELETE" });
    expect(again.status).toBe(404);
  });

  it("refuses every request without a valid session", async () => {
    const owner = await newTenant();
    const contact = await createContact(owner, { firstName: "Secret" });

    await expectRouteRefusesWithoutValidSession(
      { method: "DELETE", path: `/api/v1/contacts/${contact.id}` },
      owner,
    );
  });

  it("refuses cross-site requests and requests without the session's CSRF token", async () => {
    const owner = await newTenant();
    const contact = await createContact(owner, { firstName: "Secret" });

    // The genuine DELETE at the end answers 204 only if no refused request deleted it first.
    await expectRouteRefusesCrossSite(
      { method: "DELETE", path: `/api/v1/contacts/${contact.id}` },
      owner,
    );
  });
});

describe("a contact of another organisation", () => {
  it.each([
    { method: "GET", body: undefined },
    { method: "PATCH", body: { firstName: "Hijacked" } },
    { method: "DELETE", body: undefined },
  ])("answers 404 to $method and stays unchanged", async ({ method, body }) => {
    const [owner, stranger] = await Promise.all([newTenant("Owner"), newTenant("Stranger")]);
    const contact = await createContact(owner, { firstName: "Private", email: "p@example.com" });

    const res = await stranger.call<ApiError>(`/api/v1/contacts/${contact.id}`, { method, body });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect(await readContact(owner, contact.id)).toEqual(contact);
  });
});

async function createContact(tenant: Tenant, body: Record<string, unknown>): Promise<Contact> {
  const res = await tenant.call<{ data: Contact }>("/api/v1/contacts", { method: "POST", body });
  if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

async function readContact(tenant: Tenant, id: string): Promise<Contact> {
  const res = await tenant.call<{ data: Contact }>(`/api/v1/contacts/${id}`);
  if (res.status !== 200) throw new Error(`read failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

async function contactCount(tenant: Tenant): Promise<number> {
  const res = await tenant.call<{ data: Contact[] }>("/api/v1/contacts?limit=200");
  return res.body.data.length;
}
