import { describe, expect, it } from "vitest";
import { todayIn } from "../../src/lib/dates.ts";
import { newTenant, type Tenant } from "../support/api.ts";
import { type ApiError, createDeal, createPerson } from "../support/deals.ts";
import { addMember, setTimeZone } from "../support/members.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";

type Task = {
  id: string;
  kind: string;
  title: string;
  description: string | null;
  dueDate: string | null;
  dueAt: string | null;
  assigneeId: string | null;
  done: boolean;
  doneAt: string | null;
  overdue: boolean;
  recordType: string | null;
  recordId: string | null;
  version: number;
};
type Page = { data: Task[]; nextCursor: string | null; total: number };

async function createTask(tenant: Tenant, body: Record<string, unknown>): Promise<Task> {
  const res = await tenant.call<{ data: Task }>("/api/v1/tasks", { method: "POST", body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

async function titlesIn(tenant: Tenant, query: string): Promise<string[]> {
  const res = await tenant.call<Page>(`/api/v1/tasks?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.map((t) => t.title);
}

/** `date` plus `days`, as YYYY-MM-DD. */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe("tasks due today, overdue and upcoming, in the user's time zone", () => {
  it("counts a task due at 23:30 in São Paulo (02:30 UTC the next day) as today, not tomorrow", async () => {
    const tenant = await newTenant();
    await setTimeZone({ userId: tenant.userId }, "America/Sao_Paulo");
    const today = todayIn("America/Sao_Paulo");
    const late = await createTask(tenant, {
      title: "Ligar às 23h30",
      dueAt: `${today}T23:30:00-03:00`,
    });
    await createTask(tenant, { title: "Cedo", dueAt: `${today}T00:15:00-03:00` });

    expect(late.dueAt).toBe(new Date(`${today}T23:30:00-03:00`).toISOString());
    expect(await titlesIn(tenant, "view=today")).toEqual(["Cedo", "Ligar às 23h30"]);
    expect(await titlesIn(tenant, "view=upcoming")).toEqual([]);
    expect(await titlesIn(tenant, "view=overdue")).toEqual([]);
  });

  it("counts a due date of the user's today as today even when UTC is already on another day", async () => {
    const tenant = await newTenant();
    // Kiritimati is UTC+14 and Pago Pago UTC-11: at any moment one of them is not on UTC's date.
    const utcToday = new Date().toISOString().slice(0, 10);
    const zone =
      todayIn("Pacific/Kiritimati") !== utcToday ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
    await setTimeZone({ userId: tenant.userId }, zone);
    const localToday = todayIn(zone);
    await createTask(tenant, { title: "Local today", dueDate: localToday });
    await createTask(tenant, { title: "UTC today", dueDate: utcToday });

    expect(localToday).not.toBe(utcToday);
    expect(await titlesIn(tenant, "view=today")).toEqual(["Local today"]);
    const utcIsAhead = utcToday > localToday;
    expect(await titlesIn(tenant, `view=${utcIsAhead ? "upcoming" : "overdue"}`)).toEqual([
      "UTC today",
    ]);
  });

  it("follows the organisation's zone until the user sets their own", async () => {
    const tenant = await newTenant();
    // The two zones are 25 hours apart, so their dates always differ.
    await setTimeZone({ orgId: tenant.orgId }, "Pacific/Kiritimati");
    await createTask(tenant, {
      title: "Hoje em Kiritimati",
      dueDate: todayIn("Pacific/Kiritimati"),
    });

    const inOrganisationZone = await titlesIn(tenant, "view=today");
    await setTimeZone({ userId: tenant.userId }, "Pacific/Pago_Pago");
    const inUserZone = await titlesIn(tenant, "view=upcoming");

    expect(inOrganisationZone).toEqual(["Hoje em Kiritimati"]);
    expect(inUserZone).toEqual(["Hoje em Kiritimati"]);
  });

  it("puts tasks on the right Lisbon day around both daylight-saving changes of 2026", async () => {
    const tenant = await newTenant();
    await setTimeZone({ userId: tenant.userId }, "Europe/Lisbon");
    // Clocks go 01:00 UTC → WEST (UTC+1) on 29 March and back to WET (UTC+0) on 25 October.
    const tasks = [
      { title: "28/03 23:59 WET", dueAt: "2026-03-28T23:59:00Z" },
      { title: "29/03 00:30 WET", dueAt: "2026-03-29T00:30:00Z" },
      { title: "29/03 (data)", dueDate: "2026-03-29" },
      { title: "30/03 00:30 WEST", dueAt: "2026-03-29T23:30:00Z" },
      { title: "25/10 00:30 WEST", dueAt: "2026-10-24T23:30:00Z" },
      { title: "25/10 01:30 WET", dueAt: "2026-10-25T01:30:00Z" },
      { title: "25/10 23:30 WET", dueAt: "2026-10-25T23:30:00Z" },
    ];
    for (const task of tasks) await createTask(tenant, task);

    const day = (date: string) => titlesIn(tenant, `dueFrom=${date}&dueTo=${date}&assignee=anyone`);
    expect(await day("2026-03-28")).toEqual(["28/03 23:59 WET"]);
    expect(await day("2026-03-29")).toEqual(["29/03 (data)", "29/03 00:30 WET"]);
    expect(await day("2026-03-30")).toEqual(["30/03 00:30 WEST"]);
    expect(await day("2026-10-24")).toEqual([]);
    expect(await day("2026-10-25")).toEqual([
      "25/10 00:30 WEST",
      "25/10 01:30 WET",
      "25/10 23:30 WET",
    ]);
  });

  it.each(["America/Sao_Paulo", "Europe/Lisbon", "Pacific/Kiritimati", "Pacific/Pago_Pago"])(
    "never shifts a due date by a day in responses, for a user in %s",
    async (zone) => {
      const tenant = await newTenant();
      await setTimeZone({ userId: tenant.userId }, zone);

      const created = await createTask(tenant, { title: "Entrega", dueDate: "2026-02-20" });
      const read = await tenant.call<{ data: Task }>(`/api/v1/tasks/${created.id}`);
      const listed = await tenant.call<Page>("/api/v1/tasks?dueFrom=2026-02-20&dueTo=2026-02-20");

      expect(created).toMatchObject({ dueDate: "2026-02-20", dueAt: null });
      expect((created as Task & { dueDateFormatted: string }).dueDateFormatted).toBe("2/20/2026");
      expect(read.body.data.dueDate).toBe("2026-02-20");
      expect(listed.body.data.map((t) => t.dueDate)).toEqual(["2026-02-20"]);
    },
  );

  it("shows overdue tasks with overdue: true and leaves done tasks out of every view", async () => {
    const tenant = await newTenant();
    const today = todayIn("America/Sao_Paulo");
    await createTask(tenant, { title: "Ontem", dueDate: addDays(today, -1) });
    await createTask(tenant, { title: "Semana passada", dueDate: addDays(today, -7) });
    await createTask(tenant, { title: "Amanhã", dueDate: addDays(today, 1) });
    await createTask(tenant, { title: "Feita ontem", dueDate: addDays(today, -1), done: true });

    const overdue = await tenant.call<Page>("/api/v1/tasks?view=overdue");

    expect(overdue.body.data.map((t) => [t.title, t.overdue])).toEqual([
      ["Semana passada", true],
      ["Ontem", true],
    ]);
    expect(await titlesIn(tenant, "view=upcoming")).toEqual(["Amanhã"]);
    expect(await titlesIn(tenant, "done=true")).toEqual(["Feita ontem"]);
  });

  it("shows the caller's own tasks in a view unless asked for someone else's", async () => {
    const owner = await newTenant();
    const colleague = await addMember(owner, "member");
    const today = todayIn("America/Sao_Paulo");
    await createTask(owner, { title: "Minha", dueDate: today });
    await createTask(owner, { title: "Dela", dueDate: today, assigneeId: colleague.userId });

    expect(await titlesIn(owner, "view=today")).toEqual(["Minha"]);
    expect(await titlesIn(colleague, "view=today")).toEqual(["Dela"]);
    expect(await titlesIn(owner, `view=today&assignee=${colleague.userId}`)).toEqual(["Dela"]);
    expect((await titlesIn(owner, "view=today&assignee=anyone")).sort()).toEqual(["Dela", "Minha"]);
  });
});

describe("POST /api/v1/tasks", () => {
  it("creates a to-do assigned to its creator", async () => {
    const tenant = await newTenant();

    const task = await createTask(tenant, { title: " Enviar proposta " });

    expect(task).toMatchObject({
      kind: "todo",
      title: "Enviar proposta",
      assigneeId: tenant.userId,
      done: false,
      doneAt: null,
      dueDate: null,
      dueAt: null,
      recordType: null,
      version: 1,
    });
  });

  it("notes a task on the timeline of the record it is on", async () => {
    const tenant = await newTenant();
    const deal = await createDeal(tenant, { title: "Contrato" });

    const task = await createTask(tenant, {
      kind: "call",
      title: "Ligar para o cliente",
      recordType: "deal",
      recordId: deal.id,
    });

    const timeline = await tenant.call<{ data: { kind: string; changes: unknown }[] }>(
      `/api/v1/deals/${deal.id}/timeline`,
    );
    expect(timeline.body.data[0]).toMatchObject({
      kind: "task_added",
      changes: { task: { id: task.id, kind: "call", title: "Ligar para o cliente" } },
    });
    expect(await titlesIn(tenant, `recordType=deal&recordId=${deal.id}`)).toEqual([
      "Ligar para o cliente",
    ]);
  });

  it.each([
    {
      problem: "both a due date and a due time are sent",
      body: { dueDate: "2026-02-20", dueAt: "2026-02-20T10:00:00Z" },
      path: "dueAt",
    },
    {
      problem: "the due time has no offset",
      body: { dueAt: "2026-02-20T10:00:00" },
      path: "dueAt",
    },
    { problem: "the due date does not exist", body: { dueDate: "2026-02-30" }, path: "dueDate" },
    { problem: "the kind is unknown", body: { kind: "visit" }, path: "kind" },
    {
      problem: "recordId comes without recordType",
      body: { recordId: crypto.randomUUID() },
      path: "recordId",
    },
    {
      problem: "the record does not exist",
      body: { recordType: "person", recordId: crypto.randomUUID() },
      path: "recordId",
    },
    {
      problem: "the assignee is not a member",
      body: { assigneeId: crypto.randomUUID() },
      path: "assigneeId",
    },
    { problem: "an unknown field is sent", body: { orgId: crypto.randomUUID() }, path: "" },
  ])("answers 400 naming $path when $problem", async ({ body, path }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/tasks", {
      method: "POST",
      body: { title: "Tarefa", ...body },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
    expect((await tenant.call<Page>("/api/v1/tasks")).body.total).toBe(0);
  });

  it.each(["deal", "person"] as const)(
    "refuses to hang a task on another organisation's %s, or on a trashed one",
    async (recordType) => {
      const [tenant, other] = await Promise.all([newTenant(), newTenant()]);
      const make = (t: Tenant) =>
        recordType === "deal" ? createDeal(t, { title: "X" }) : createPerson(t, "X");
      const [theirs, trashed] = await Promise.all([make(other), make(tenant)]);
      await tenant.call(`/api/v1/${recordType === "deal" ? "deals" : "people"}/${trashed.id}`, {
        method: "DELETE",
      });

      for (const record of [theirs, trashed]) {
        const res = await tenant.call<ApiError>("/api/v1/tasks", {
          method: "POST",
          body: { title: "X", recordType, recordId: record.id },
        });
        expect(res.status).toBe(400);
        expect(res.body.error.details?.map((d) => d.path)).toEqual(["recordId"]);
      }
    },
  );

  it("refuses another organisation's user as assignee", async () => {
    const [tenant, other] = await Promise.all([newTenant(), newTenant()]);

    const res = await tenant.call<ApiError>("/api/v1/tasks", {
      method: "POST",
      body: { title: "X", assigneeId: other.userId },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["assigneeId"]);
  });
});

describe("PATCH /api/v1/tasks/:id", () => {
  it("marks a task done and undone, noting it on the record's timeline", async () => {
    const tenant = await newTenant();
    const deal = await createDeal(tenant, { title: "Contrato" });
    const task = await createTask(tenant, {
      title: "Ligar",
      recordType: "deal",
      recordId: deal.id,
    });

    const done = await tenant.call<{ data: Task }>(`/api/v1/tasks/${task.id}`, {
      method: "PATCH",
      body: { version: 1, done: true },
    });
    const undone = await tenant.call<{ data: Task }>(`/api/v1/tasks/${task.id}`, {
      method: "PATCH",
      body: { version: 2, done: false },
    });

    expect(done.body.data).toMatchObject({ done: true, version: 2 });
    expect(done.body.data.doneAt).not.toBeNull();
    expect(undone.body.data).toMatchObject({ done: false, doneAt: null, version: 3 });
    const timeline = await tenant.call<{ data: { kind: string; changes: unknown }[] }>(
      `/api/v1/deals/${deal.id}/timeline`,
    );
    expect(timeline.body.data.slice(0, 2)).toMatchObject([
      { kind: "task_updated", changes: { task: { id: task.id }, done: { old: true, new: false } } },
      { kind: "task_updated", changes: { done: { old: false, new: true } } },
    ]);
  });

  it("replaces a due date by a due time and the other way round", async () => {
    const tenant = await newTenant();
    const task = await createTask(tenant, { title: "X", dueDate: "2026-02-20" });

    const timed = await tenant.call<{ data: Task }>(`/api/v1/tasks/${task.id}`, {
      method: "PATCH",
      body: { version: 1, dueAt: "2026-02-20T14:00:00-03:00" },
    });
    const dated = await tenant.call<{ data: Task }>(`/api/v1/tasks/${task.id}`, {
      method: "PATCH",
      body: { version: 2, dueDate: "2026-02-21" },
    });

    expect(timed.body.data).toMatchObject({ dueDate: null, dueAt: "2026-02-20T17:00:00.000Z" });
    expect(dated.body.data).toMatchObject({ dueDate: "2026-02-21", dueAt: null });
  });

  it("answers 409 to an edit of an old version", async () => {
    const tenant = await newTenant();
    const task = await createTask(tenant, { title: "X" });
    await tenant.call(`/api/v1/tasks/${task.id}`, {
      method: "PATCH",
      body: { version: 1, title: "Y" },
    });

    const res = await tenant.call<ApiError>(`/api/v1/tasks/${task.id}`, {
      method: "PATCH",
      body: { version: 1, title: "Z" },
    });

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("VERSION_CONFLICT");
  });
});

describe("DELETE /api/v1/tasks/:id and POST /api/v1/tasks/:id/restore", () => {
  it("trashes and restores a task, noting both on its record", async () => {
    const tenant = await newTenant();
    const deal = await createDeal(tenant, { title: "Contrato" });
    const task = await createTask(tenant, {
      title: "Ligar",
      recordType: "deal",
      recordId: deal.id,
    });

    const deleted = await tenant.call(`/api/v1/tasks/${task.id}`, { method: "DELETE" });
    const read = await tenant.call(`/api/v1/tasks/${task.id}`);
    const again = await tenant.call(`/api/v1/tasks/${task.id}`, { method: "DELETE" });
    const restored = await tenant.call<{ data: Task }>(`/api/v1/tasks/${task.id}/restore`, {
      method: "POST",
    });

    expect([deleted.status, read.status, again.status, restored.status]).toEqual([
      204, 404, 404, 200,
    ]);
    expect(restored.body.data).toMatchObject({ id: task.id, title: "Ligar" });
    const timeline = await tenant.call<{ data: { kind: string }[] }>(
      `/api/v1/deals/${deal.id}/timeline`,
    );
    expect(timeline.body.data.map((e) => e.kind).slice(0, 3)).toEqual([
      "task_restored",
      "task_deleted",
      "task_added",
    ]);
  });
});

describe("another organisation's task", () => {
  it.each([
    { method: "GET", path: "" },
    { method: "PATCH", path: "", body: { version: 1, title: "Mine" } },
    { method: "DELETE", path: "" },
    { method: "POST", path: "/restore" },
  ])("answers 404 to $method $path and changes nothing", async ({ method, path, body }) => {
    const [attacker, victim] = await Promise.all([newTenant(), newTenant()]);
    const theirs = await createTask(victim, { title: "Segredo" });

    const res = await attacker.call(`/api/v1/tasks/${theirs.id}${path}`, { method, body });

    expect(res.status).toBe(404);
    const read = await victim.call<{ data: Task }>(`/api/v1/tasks/${theirs.id}`);
    expect(read.body.data).toMatchObject({ title: "Segredo", version: 1 });
  });

  it("is in none of the lists", async () => {
    const [tenant, other] = await Promise.all([newTenant(), newTenant()]);
    await createTask(other, { title: "Deles", dueDate: todayIn("America/Sao_Paulo") });

    expect(await titlesIn(tenant, "assignee=anyone")).toEqual([]);
    expect(await titlesIn(tenant, `view=today&assignee=${other.userId}`)).toEqual([]);
  });
});

// The role matrix and the cross-site checks of these routes are in tasks-security.test.ts.
describe("every task route", () => {
  it.each([
    { method: "GET", path: "" },
    { method: "POST", path: "", body: { title: "X" } },
    { method: "GET", path: "/:id" },
    { method: "PATCH", path: "/:id", body: { version: 1, title: "Y" } },
    { method: "DELETE", path: "/:id" },
    { method: "POST", path: "/:id/restore" },
  ])("refuses $method $path without a valid session", async ({ method, path, body }) => {
    const owner = await newTenant();
    const task = await createTask(owner, { title: "X" });

    await expectRouteRefusesWithoutValidSession(
      { method, path: `/api/v1/tasks${path.replace(":id", task.id)}`, body },
      owner,
    );
  });

  it.each([
    { method: "POST", path: "", body: { title: "X" } },
    { method: "PATCH", path: "/:id", body: { version: 1, title: "Y" } },
    { method: "DELETE", path: "/:id" },
    { method: "POST", path: "/:id/restore" },
  ])("refuses $method $path to a viewer with 403", async ({ method, path, body }) => {
    const owner = await newTenant();
    const viewer = await addMember(owner, "viewer");
    const task = await createTask(owner, { title: "X" });

    const res = await viewer.call(`/api/v1/tasks${path.replace(":id", task.id)}`, { method, body });

    expect(res.status).toBe(403);
    expect((await owner.call<Page>("/api/v1/tasks")).body.total).toBe(1);
  });
});
