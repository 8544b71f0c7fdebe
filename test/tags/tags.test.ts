import { describe, expect, it } from "vitest";
import { newTenant } from "../support/api.ts";
import {
  type ApiError,
  createCompany,
  createPerson,
  createTag,
  type Page,
  type Person,
  read,
} from "../support/crm-records.ts";
import { addMember } from "../support/members.ts";
import { expectRouteRefusesWithoutValidSession, type Route } from "../support/security.ts";

type Tag = { id: string; entity: string; name: string; color: string | null; createdAt: string };

const TAGS = "/api/v1/tags";

describe("POST /api/v1/tags", () => {
  it.each(["owner", "admin"] as const)(
    "lets an %s define a tag for a kind of record",
    async (role) => {
      const owner = await newTenant();
      const caller = role === "owner" ? owner : await addMember(owner, "admin");

      const res = await caller.call<{ data: Tag }>(TAGS, {
        method: "POST",
        body: { entity: "person", name: " Cliente VIP ", color: "#1E90FF" },
      });

      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({
        entity: "person",
        name: "Cliente VIP",
        color: "#1e90ff",
      });
    },
  );

  it.each(["member", "viewer"] as const)("answers 403 to a %s", async (role) => {
    const owner = await newTenant();
    const caller = await addMember(owner, role);

    const res = await caller.call<ApiError>(TAGS, {
      method: "POST",
      body: { entity: "person", name: "VIP" },
    });

    expect(res.status).toBe(403);
    expect((await owner.call<Page<Tag>>(TAGS)).body.total).toBe(0);
  });

  it("refuses a second tag of the same name (ignoring case) for the same kind of record", async () => {
    const tenant = await newTenant();
    await createTag(tenant, "person", "VIP");

    const same = await tenant.call<ApiError>(TAGS, {
      method: "POST",
      headers: { "accept-language": "pt-BR" },
      body: { entity: "person", name: "vip" },
    });
    const otherKind = await tenant.call(TAGS, {
      method: "POST",
      body: { entity: "company", name: "VIP" },
    });

    expect(same.status).toBe(400);
    expect(same.body.error.details).toEqual([
      { path: "name", message: "Já existe uma etiqueta com este nome para este tipo de registro." },
    ]);
    expect(otherKind.status).toBe(201);
  });

  it.each([
    { body: { entity: "contact", name: "X" }, path: "entity" },
    { body: { entity: "person", name: "" }, path: "name" },
    { body: { entity: "person", name: "X", color: "blue" }, path: "color" },
    { body: { entity: "person", name: "X", org_id: crypto.randomUUID() }, path: "" },
  ])("answers 400 naming $path", async ({ body, path }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(TAGS, { method: "POST", body });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
  });
});

describe("GET /api/v1/tags", () => {
  it("lists the organisation's tags by kind and name, to anyone in it", async () => {
    const [tenant, stranger] = await Promise.all([newTenant(), newTenant("Stranger")]);
    await createTag(tenant, "person", "Lead");
    await createTag(tenant, "company", "Cliente");
    await createTag(tenant, "person", "Amigo");
    await createTag(stranger, "person", "Alheia");
    const viewer = await addMember(tenant, "viewer");

    const all = await viewer.call<Page<Tag>>(TAGS);
    const people = await viewer.call<Page<Tag>>(`${TAGS}?entity=person&limit=1`);

    expect(all.body.data.map((t) => `${t.entity}:${t.name}`)).toEqual([
      "company:Cliente",
      "person:Amigo",
      "person:Lead",
    ]);
    expect(people.body.total).toBe(2);
    expect(people.body.data.map((t) => t.name)).toEqual(["Amigo"]);
    expect(people.body.nextCursor).not.toBeNull();
  });
});

describe("PATCH and DELETE /api/v1/tags/:id", () => {
  it("renames a tag", async () => {
    const tenant = await newTenant();
    const tag = await createTag(tenant, "person", "Lead");

    const res = await tenant.call<{ data: Tag }>(`${TAGS}/${tag.id}`, {
      method: "PATCH",
      body: { name: "Lead quente", color: null },
    });

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: "Lead quente", color: null });
  });

  it("deletes a tag and takes it off the records that had it", async () => {
    const tenant = await newTenant();
    const [vip, lead] = [
      await createTag(tenant, "person", "VIP"),
      await createTag(tenant, "person", "Lead"),
    ];
    const person = await createPerson(tenant, { firstName: "Ana", tagIds: [vip.id, lead.id] });

    const res = await tenant.call(`${TAGS}/${vip.id}`, { method: "DELETE" });

    expect(res.status).toBe(204);
    expect((await read<Person>(tenant, `/api/v1/people/${person.id}`)).tagIds).toEqual([lead.id]);
    expect((await tenant.call(`${TAGS}/${vip.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it.each(["PATCH", "DELETE"])("answers 403 to a member on %s", async (method) => {
    const owner = await newTenant();
    const tag = await createTag(owner, "company", "Cliente");
    const member = await addMember(owner, "member");

    const res = await member.call(`${TAGS}/${tag.id}`, { method, body: { name: "Mine" } });

    expect(res.status).toBe(403);
  });

  it.each(["PATCH", "DELETE"])(
    "answers 404 to %s of another organisation's tag, which stays on its records",
    async (method) => {
      const [owner, stranger] = await Promise.all([newTenant("Owner"), newTenant("Stranger")]);
      const tag = await createTag(owner, "company", "Cliente");
      const company = await createCompany(owner, { name: "Aurora", tagIds: [tag.id] });

      const res = await stranger.call(`${TAGS}/${tag.id}`, { method, body: { name: "Mine" } });

      expect(res.status).toBe(404);
      expect(
        (await read<{ tagIds: string[] }>(owner, `/api/v1/companies/${company.id}`)).tagIds,
      ).toEqual([tag.id]);
    },
  );
});

describe("every tags route", () => {
  const routes: Route[] = [
    { method: "GET", path: TAGS },
    { method: "POST", path: TAGS, body: { entity: "person", name: "Forged" } },
    { method: "PATCH", path: `${TAGS}/:id`, body: { name: "Owned" } },
    { method: "DELETE", path: `${TAGS}/:id` },
  ];

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s refuses every request without a valid session",
    async (_name, route) => {
      const owner = await newTenant();
      const tag = await createTag(owner, "person", "Secret");

      await expectRouteRefusesWithoutValidSession(
        { ...route, path: route.path.replace(":id", tag.id) },
        owner,
      );
    },
  );
});
