/** Helpers of the audit viewer tests (workers project). */
import { exports } from "cloudflare:workers";
import { ORIGIN, type Tenant } from "../support/api.ts";
import { asOwner } from "../support/db.ts";

/** An entry as GET /api/v1/audit answers it. */
export type Entry = {
  seq: number;
  id: string;
  createdAt: string;
  actorUserId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  summary: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
};

export type Page = { data: Entry[]; nextCursor: string | null };

export type Verdict = {
  intact: boolean;
  firstBrokenSeq: number | null;
  entries: number;
  firstSeq: number | null;
  lastSeq: number | null;
};

/** Every entry of the caller's organisation that `query` selects, newest first, page by page. */
export async function allEntries(caller: Tenant, query = ""): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams(query);
    params.set("limit", "200");
    if (cursor) params.set("cursor", cursor);
    const res = await caller.call<Page>(`/api/v1/audit?${params}`);
    if (res.status !== 200) throw new Error(`list failed: ${JSON.stringify(res.body)}`);
    entries.push(...res.body.data);
    cursor = res.body.nextCursor;
  } while (cursor);
  return entries;
}

/** The chain verdict of the caller's organisation. */
export async function verdictOf(caller: Tenant): Promise<Verdict> {
  const res = await caller.call<{ data: Verdict }>("/api/v1/audit/verify");
  if (res.status !== 200) throw new Error(`verify failed: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** GET /api/v1/audit/export.csv as `caller`, with the body as bytes (a BOM survives). */
export async function download(caller: Tenant, query = "") {
  const response = await exports.default.fetch(
    new Request(`${ORIGIN}/api/v1/audit/export.csv${query ? `?${query}` : ""}`, {
      headers: { cookie: caller.cookie },
    }),
  );
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes };
}

/** The rows of a CSV (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += char;
  }
  if (cell || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/**
 * Appends an entry to `orgId`'s log as the owner role, with the organisation claimed as the
 * chain's trigger demands: for content that no route writes yet (accents, odd summaries).
 */
export async function appendAsOwner(
  orgId: string,
  entry: { action: string; summary?: Record<string, unknown> },
): Promise<void> {
  const owner = asOwner();
  await owner.transaction([
    owner.query("select set_config('app.org_id', $1, true)", [orgId]),
    owner.query("insert into audit_log (id, org_id, action, summary) values ($1, $2, $3, $4)", [
      crypto.randomUUID(),
      orgId,
      entry.action,
      JSON.stringify(entry.summary ?? {}),
    ]),
  ]);
}
