/**
 * Restore drill: data written through the API in two organisations is backed up
 * (scripts/lib/backup.ts, what `npm run db:backup` runs), restored into a fresh database, and
 * compared table by table (row count and a checksum of every row); each organisation's audit
 * chain still verifies. Runs on the private stack of test/faults, never the shared test database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase, restoreDatabase } from "../../scripts/lib/backup.ts";
import { bootstrapLocalDatabase } from "../../scripts/lib/bootstrap.ts";
import { RUNTIME } from "../../scripts/lib/local-config.ts";
import { type OutageStack, type Session, startOutageStack } from "../faults/outage-stack.ts";

let stack: OutageStack;
const dir = mkdtempSync(join(tmpdir(), "gallo-backup-"));

beforeAll(async () => {
  stack = await startOutageStack({ databaseUp: true });
}, 60_000);

afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe("npm run db:backup, then db:restore into a fresh database", () => {
  it("restores every table row for row, and every audit chain still verifies", async () => {
    const orgs = [await seed(await stack.signUp()), await seed(await stack.signUp())];
    const restoredUrl = stack.ownerUrl.replace(/\/[^/]+$/, "/gallo_restored");
    await bootstrapLocalDatabase(Number(new URL(restoredUrl).port), "gallo_restored");

    const manifest = await backupDatabase({ ownerUrl: stack.ownerUrl, dir });
    await restoreDatabase({ ownerUrl: restoredUrl, dir, runtimePassword: RUNTIME.password });

    const source = await fingerprints(
      stack.ownerUrl,
      manifest.tables.map((t) => t.name),
    );
    const restored = await fingerprints(
      restoredUrl,
      manifest.tables.map((t) => t.name),
    );
    expect(restored).toEqual(source);
    expect(source.people?.rows).toBeGreaterThanOrEqual(4);
    for (const orgId of orgs) {
      expect(await auditChain(restoredUrl, orgId)).toMatchObject({ broken: null });
      expect((await auditChain(restoredUrl, orgId)).entries).toBeGreaterThan(0);
    }
  });

  it("refuses to restore into a database that already has rows, and changes nothing there", async () => {
    await seed(await stack.signUp());
    await backupDatabase({ ownerUrl: stack.ownerUrl, dir });
    const before = await fingerprints(stack.ownerUrl, ["people", "audit_log"]);

    const restore = restoreDatabase({ ownerUrl: stack.ownerUrl, dir });

    await expect(restore).rejects.toThrow(/already has rows/);
    expect(await fingerprints(stack.ownerUrl, ["people", "audit_log"])).toEqual(before);
  });
});

/** Two people and a company, written through the API; answers the organisation's id. */
async function seed(session: Session): Promise<string> {
  for (const body of [
    { firstName: "Ana", emails: [`ana-${crypto.randomUUID()}@example.com`] },
    { firstName: 'João, "o Bia"', lastName: "Línea\nnova" },
  ]) {
    const res = await stack.call("/api/v1/people", { session, method: "POST", body });
    expect(res.status).toBe(201);
  }
  const company = await stack.call("/api/v1/companies", {
    session,
    method: "POST",
    body: { name: "Acme Ltda" },
  });
  expect(company.status).toBe(201);
  return session.orgId;
}

type Fingerprint = { rows: number; md5: string | null };

/** Per table, the row count and an MD5 of all its rows in a stable order, as the owner. */
async function fingerprints(url: string, tables: string[]): Promise<Record<string, Fingerprint>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result: Record<string, Fingerprint> = {};
    for (const table of tables) {
      const { rows } = await client.query<Fingerprint>(
        `select count(*)::int as rows, md5(string_agg(t::text, E'\\n' order by t::text)) as md5
           from "${table}" t`,
      );
      result[table] = rows[0] ?? { rows: 0, md5: null };
    }
    return result;
  } finally {
    await client.end();
  }
}

/** `gallo_audit_verify()` for the organisation (null: intact) and its number of entries. */
async function auditChain(url: string, orgId: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("begin read only");
    await client.query("select set_config('app.org_id', $1, true)", [orgId]);
    const { rows } = await client.query(
      `select gallo_audit_verify()::text as broken, count(*)::int as entries
         from audit_log where org_id = $1`,
      [orgId],
    );
    await client.query("commit");
    return rows[0] as { broken: string | null; entries: number };
  } finally {
    await client.end();
  }
}
