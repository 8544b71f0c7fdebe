/**
 * Helpers of the Node-side audit tests: the runtime role (what the Worker connects as), the owner
 * and the superuser over `pg`, and organisations with audit entries written as the runtime role.
 */
import pg from "pg";
import { inject } from "vitest";

export type Client = pg.Client;
export type Org = { orgId: string; userId: string };
export type Link = { seq: number; prev_hash: string; hash: string; action: string };

export const GENESIS = "0".repeat(64);

/** A connected client for `url`; end it after the tests. */
export async function client(url: string): Promise<pg.Client> {
  const connection = new pg.Client({ connectionString: url });
  await connection.connect();
  return connection;
}

export const urls = {
  runtime: () => inject("databaseUrl"),
  owner: () => inject("ownerUrl"),
  superuser: () => inject("superuserUrl"),
};

/**
 * Runs `statements` in one transaction on `connection` with the organisation (and user) claimed,
 * as src/db/tenant.ts does; answers each statement's rows.
 */
export async function asClaim(
  connection: pg.Client,
  org: Partial<Org>,
  statements: [text: string, params?: unknown[]][],
): Promise<Record<string, unknown>[][]> {
  await connection.query("begin");
  try {
    await connection.query(
      "select set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)",
      [org.orgId ?? "", org.userId ?? ""],
    );
    const results: Record<string, unknown>[][] = [];
    for (const [text, params] of statements) {
      results.push((await connection.query(text, params)).rows);
    }
    await connection.query("commit");
    return results;
  } catch (error) {
    await connection.query("rollback");
    throw error;
  }
}

/** A new organisation with its owner, written as the runtime role like sign-up does. */
export async function newOrganisation(runtime: pg.Client): Promise<Org> {
  const org = { orgId: crypto.randomUUID(), userId: crypto.randomUUID() };
  await asClaim(runtime, org, [
    ["insert into organisations (id, name) values ($1, 'Audit')", [org.orgId]],
    [
      "insert into users (id, email, password_hash) values ($1, $2, 'not-a-real-hash')",
      [org.userId, `audit-${crypto.randomUUID()}@example.com`],
    ],
    [
      "insert into memberships (org_id, user_id, role) values ($1, $2, 'owner')",
      [org.orgId, org.userId],
    ],
  ]);
  return org;
}

/** Appends one entry per action, each in its own transaction, as the runtime role. */
export async function writeEntries(runtime: pg.Client, org: Org, actions: string[]): Promise<void> {
  for (const action of actions) {
    await asClaim(runtime, org, [
      [insertEntry, [crypto.randomUUID(), org.orgId, org.userId, action]],
    ]);
  }
}

/** The INSERT the audit writer sends, with its four values as parameters. */
export const insertEntry = `insert into audit_log (id, org_id, actor_user_id, action, summary)
  values ($1, $2, $3, $4, '{"from": "test"}')`;

/** The organisation's chain, oldest first, read as `reader` (the owner sees every row). */
export async function chainOf(reader: pg.Client, orgId: string): Promise<Link[]> {
  const { rows } = await reader.query(
    "select seq::int, prev_hash, hash, action from audit_log where org_id = $1 order by seq",
    [orgId],
  );
  return rows as Link[];
}

/** The first broken link of the organisation's chain (null when intact), as `connection`. */
export async function verify(connection: pg.Client, orgId: string): Promise<number | null> {
  const [rows] = await asClaim(connection, { orgId }, [
    ["select gallo_audit_verify()::int as broken"],
  ]);
  return (rows?.[0]?.broken as number | null | undefined) ?? null;
}

/** The SQLSTATE `run` failed with, or "none". */
export async function failureOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "none";
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? code : `no SQLSTATE: ${String(error)}`;
  }
}
