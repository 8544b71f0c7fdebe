import { describe, expect, it } from "vitest";
import { newTenant, type Tenant } from "../support/api.ts";
import { type ApiError, createCompany, createDeal, createPerson } from "../support/deals.ts";
import { addMember } from "../support/members.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";

type Note = {
  id: string;
  recordType: string;
  recordId: string;
  body: string;
  bodyHtml: string;
  version: number;
  createdBy: string;
};
type Page = { data: Note[]; nextCursor: string | null; total: number };

async function createNote(tenant: Tenant, body: Record<string, unknown>): Promise<Note> {
  const res = await tenant.call<{ data: Note }>("/api/v1/notes", { method: "POST", body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

async function noteOnADeal(tenant: Tenant, body = "Primeira reunião") {
  const deal = await createDeal(tenant, { title: "Contrato" });
  const note = await createNote(tenant, { recordType: "deal", recordId: deal.id, body });
  return { deal, note };
}

describe("POST /api/v1/notes", () => {
  it.each([
    {
      recordType: "deal",
      make: (t: Tenant) => createDeal(t, { title: "Contrato" }),
      timeline: "deals",
    },
    { recordType: "person", make: (t: Tenant) => createPerson(t, "Ana"), timeline: "people" },
    {
      recordType: "company",
      make: (t: Tenant) => createCompany(t, "Aurora"),
      timeline: "companies",
    },
  ])(
    "adds a note to a $recordType and notes it on its timeline",
    async ({ recordType, make, timeline }) => {
      const tenant = await newTenant();
      const record = await make(tenant);

      const note = await createNote(tenant, {
        recordType,
        recordId: record.id,
        body: "**Cliente** pediu _desconto_",
      });

      expect(note).toMatchObject({
        recordType,
        recordId: record.id,
        body: "**Cliente** pediu _desconto_",
        bodyHtml: "<p><strong>Cliente</strong> pediu <em>desconto</em></p>\n",
        createdBy: tenant.userId,
        version: 1,
      });
      const events = await tenant.call<{ data: { kind: string; changes: unknown }[] }>(
        `/api/v1/${timeline}/${record.id}/timeline`,
      );
      expect(events.body.data[0]).toMatchObject({
        kind: "note_added",
        changes: { note: { id: note.id, excerpt: "**Cliente** pediu _desconto_" } },
      });
    },
  );

  it.each([
    { what: "a script tag", body: "oi <script>alert(1)</script>", banned: /<script/i },
    {
      what: "an onerror attribute",
      body: '<img src=x onerror="alert(1)">',
      banned: /<img|onerror=/i,
    },
    {
      what: "a javascript: link",
      body: "[clique](javascript:alert(1))",
      banned: /href="javascript/i,
    },
    { what: "raw HTML", body: '<div style="position:fixed">x</div>', banned: /<div/i },
  ])("stores $what as written but never serves it as markup", async ({ body, banned }) => {
    const tenant = await newTenant();
    const { deal } = await noteOnADeal(tenant);

    const note = await createNote(tenant, { recordType: "deal", recordId: deal.id, body });
    const read = await tenant.call<{ data: Note }>(`/api/v1/notes/${note.id}`);
    const listed = await tenant.call<Page>(`/api/v1/notes?recordType=deal&recordId=${deal.id}`);

    expect(read.body.data.body).toBe(body);
    for (const html of [
      note.bodyHtml,
      read.body.data.bodyHtml,
      listed.body.data[0]?.bodyHtml ?? "",
    ]) {
      const markup = (html.match(/<\/?[a-z][^>]*>/gi) ?? []).join(" ");
      expect(markup).not.toMatch(banned);
    }
  });

  it.each([
    { problem: "the body is blank", body: { body: "  \n " }, path: "body" },
    { problem: "the body is too long", body: { body: "a".repeat(100_001) }, path: "body" },
    { problem: "the record type is unknown", body: { recordType: "task" }, path: "recordType" },
    {
      problem: "the record does not exist",
      body: { recordId: crypto.randomUUID() },
      path: "recordId",
    },
    { problem: "createdBy is sent", body: { createdBy: crypto.randomUUID() }, path: "" },
  ])("answers 400 naming $path when $problem", async ({ body, path }) => {
    const tenant = await newTenant();
    const deal = await createDeal(tenant, { title: "X" });

    const res = await tenant.call<ApiError>("/api/v1/notes", {
      method: "POST",
      body: { recordType: "deal", recordId: deal.id, body: "Nota", ...body },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
    expect((await tenant.call<Page>("/api/v1/notes")).body.total).toBe(0);
  });

  it("refuses to put a note on another organisation's record", async () => {
    const [tenant, other] = await Promise.all([newTenant(), newTenant()]);
    const theirs = await createDeal(other, { title: "Deles" });

    const res = await tenant.call<ApiError>("/api/v1/notes", {
      method: "POST",
      body: { recordType: "deal", recordId: theirs.id, body: "Plantada" },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["recordId"]);
    expect((await other.call<Page>("/api/v1/notes")).body.total).toBe(0);
  });
});

describe("who may change a note", () => {
  it.each([
    { who: "its author", role: "member" as const, author: true, allowed: true },
    { who: "another member", role: "member" as const, author: false, allowed: false },
    { who: "an admin", role: "admin" as const, author: false, allowed: true },
    { who: "the owner", role: "owner" as const, author: false, allowed: true },
  ])("$who: allowed $allowed", async ({ role, author, allowed }) => {
    const owner = await newTenant();
    const writer = await addMember(owner, "member");
    const someone = role === "owner" ? owner : author ? writer : await addMember(owner, role);
    const { note } = await noteOnADeal(writer);

    const edited = await someone.call<{ data: Note }>(`/api/v1/notes/${note.id}`, {
      method: "PATCH",
      body: { version: 1, body: "Editada" },
    });
    const deleted = await someone.call(`/api/v1/notes/${note.id}`, { method: "DELETE" });

    expect([edited.status, deleted.status]).toEqual(allowed ? [200, 204] : [403, 403]);
    const read = await owner.call<{ data: Note }>(`/api/v1/notes/${note.id}`);
    if (allowed) expect(read.status).toBe(404);
    else expect(read.body.data).toMatchObject({ body: "Primeira reunião", version: 1 });
  });

  it("refuses a viewer with 403, even for a note they could read", async () => {
    const owner = await newTenant();
    const viewer = await addMember(owner, "viewer");
    const { note } = await noteOnADeal(owner);

    const read = await viewer.call(`/api/v1/notes/${note.id}`);
    const edited = await viewer.call(`/api/v1/notes/${note.id}`, {
      method: "PATCH",
      body: { version: 1, body: "X" },
    });

    expect([read.status, edited.status]).toEqual([200, 403]);
  });
});

describe("PATCH /api/v1/notes/:id", () => {
  it("changes the body, re-renders it and notes it on the record", async () => {
    const tenant = await newTenant();
    const { deal, note } = await noteOnADeal(tenant);

    const res = await tenant.call<{ data: Note }>(`/api/v1/notes/${note.id}`, {
      method: "PATCH",
      body: { version: 1, body: "# Atualizada" },
    });

    expect(res.body.data).toMatchObject({
      body: "# Atualizada",
      bodyHtml: "<h1>Atualizada</h1>\n",
      version: 2,
    });
    const events = await tenant.call<{ data: { kind: string }[] }>(
      `/api/v1/deals/${deal.id}/timeline`,
    );
    expect(events.body.data[0]?.kind).toBe("note_updated");
  });

  it("answers 409 to an edit of an old version", async () => {
    const tenant = await newTenant();
    const { note } = await noteOnADeal(tenant);
    await tenant.call(`/api/v1/notes/${note.id}`, {
      method: "PATCH",
      body: { version: 1, body: "A" },
    });

    const res = await tenant.call<ApiError>(`/api/v1/notes/${note.id}`, {
      method: "PATCH",
      body: { version: 1, body: "B" },
    });

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("VERSION_CONFLICT");
  });
});

describe("DELETE /api/v1/notes/:id and POST /api/v1/notes/:id/restore", () => {
  it("trashes and restores a note, noting both on the record", async () => {
    const tenant = await newTenant();
    const { deal, note } = await noteOnADeal(tenant);

    const deleted = await tenant.call(`/api/v1/notes/${note.id}`, { method: "DELETE" });
    const listed = await tenant.call<Page>(`/api/v1/notes?recordType=deal&recordId=${deal.id}`);
    const restored = await tenant.call<{ data: Note }>(`/api/v1/notes/${note.id}/restore`, {
      method: "POST",
    });
    const again = await tenant.call(`/api/v1/notes/${note.id}/restore`, { method: "POST" });

    expect(deleted.status).toBe(204);
    expect(listed.body.total).toBe(0);
    expect(restored.body.data).toMatchObject({ id: note.id, body: "Primeira reunião" });
    expect(again.status).toBe(404);
    const events = await tenant.call<{ data: { kind: string }[] }>(
      `/api/v1/deals/${deal.id}/timeline`,
    );
    expect(events.body.data.map((e) => e.kind).slice(0, 3)).toEqual([
      "note_restored",
      "note_deleted",
      "note_added",
    ]);
  });
});

describe("GET /api/v1/notes", () => {
  it("lists a record's notes newest first, in pages, with the total", async () => {
    const tenant = await newTenant();
    const deal = await createDeal(tenant, { title: "X" });
    for (const body of ["um", "dois", "três"]) {
      await createNote(tenant, { recordType: "deal", recordId: deal.id, body });
    }
    await noteOnADeal(tenant, "outro negócio");

    const first = await tenant.call<Page>(
      `/api/v1/notes?recordType=deal&recordId=${deal.id}&limit=2`,
    );
    const second = await tenant.call<Page>(
      `/api/v1/notes?recordType=deal&recordId=${deal.id}&limit=2&cursor=${first.body.nextCursor}`,
    );

    expect(first.body.total).toBe(3);
    expect([...first.body.data, ...second.body.data].map((n) => n.body)).toEqual([
      "três",
      "dois",
      "um",
    ]);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe("another organisation's note", () => {
  it.each([
    { method: "GET", path: "" },
    { method: "PATCH", path: "", body: { version: 1, body: "Minha" } },
    { method: "DELETE", path: "" },
    { method: "POST", path: "/restore" },
  ])("answers 404 to $method $path and changes nothing", async ({ method, path, body }) => {
    const [attacker, victim] = await Promise.all([newTenant(), newTenant()]);
    const { note } = await noteOnADeal(victim);

    const res = await attacker.call(`/api/v1/notes/${note.id}${path}`, { method, body });

    expect(res.status).toBe(404);
    const read = await victim.call<{ data: Note }>(`/api/v1/notes/${note.id}`);
    expect(read.body.data).toMatchObject({ body: "Primeira reunião", version: 1 });
  });
});

// The role matrix and the cross-site checks of these routes are in notes-security.test.ts.
describe("every note route", () => {
  it.each([
    { method: "GET", path: "" },
    { method: "POST", path: "", body: "new" },
    { method: "GET", path: "/:id" },
    { method: "PATCH", path: "/:id", body: { version: 1, body: "Y" } },
    { method: "DELETE", path: "/:id" },
    { method: "POST", path: "/:id/restore" },
  ])("refuses $method $path without a valid session", async ({ method, path, body }) => {
    const owner = await newTenant();
    const { deal, note } = await noteOnADeal(owner);
    const sent = body === "new" ? { recordType: "deal", recordId: deal.id, body: "X" } : body;

    await expectRouteRefusesWithoutValidSession(
      { method, path: `/api/v1/notes${path.replace(":id", note.id)}`, body: sent },
      owner,
    );
  });
});
