/**
 * `npm run audit:verify -- --org <organisation id>`: checks one organisation's audit hash chain
 * (`gallo_audit_verify()`) as the owner role, and exits 1 if a link is broken.
 * - Production (Neon): DATABASE_OWNER_URL=<owner connection string> npm run audit:verify -- --org …
 * - Without DATABASE_OWNER_URL: the local dev database, started for the moment if need be.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { withLocalDatabase } from "./lib/local-database.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Report = { broken: string | null; entries: number; first: string | null; last: string | null };

try {
  const { values } = parseArgs({ options: { org: { type: "string" } } });
  const orgId = values.org;
  if (!orgId || !UUID.test(orgId)) {
    throw new Error("usage: npm run audit:verify -- --org <organisation id (a uuid)>");
  }

  const ownerUrl = process.env.DATABASE_OWNER_URL;
  const report = ownerUrl
    ? await verify(ownerUrl, orgId)
    : await withLocalDatabase((urls) => verify(urls.owner, orgId));

  if (report.entries === 0) {
    process.stdout.write(`audit chain of ${orgId}: no entries\n`);
  } else if (report.broken === null) {
    process.stdout.write(
      `audit chain of ${orgId}: intact, ${report.entries} entries (seq ${report.first} to ${report.last})\n`,
    );
  } else {
    process.stdout.write(
      `audit chain of ${orgId}: BROKEN at seq ${report.broken} (entries seq ${report.first} to ${report.last})\n`,
    );
    process.exitCode = 1;
  }
} catch (error) {
  // Never print the connection string: the message of pg errors does not contain it.
  process.stderr.write(
    `audit verification failed: ${error instanceof Error ? error.message : error}\n`,
  );
  process.exitCode = 2;
}

/** Claims the organisation, as the Worker does, and asks the database to check its chain. */
async function verify(url: string, orgId: string): Promise<Report> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("begin read only");
    await client.query("select set_config('app.org_id', $1, true)", [orgId]);
    const { rows } = await client.query(
      `select gallo_audit_verify()::text as broken, count(*)::int as entries,
              min(seq)::text as first, max(seq)::text as last
         from audit_log where org_id = $1`,
      [orgId],
    );
    await client.query("commit");
    return rows[0] as Report;
  } finally {
    await client.end();
  }
}
