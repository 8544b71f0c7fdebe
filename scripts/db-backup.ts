/**
 * `npm run db:backup -- --out <folder>`: a logical backup (scripts/lib/backup.ts) of the database,
 * as the owner role: a manifest with the migration level, row counts and checksums, and one CSV
 * per table. The folder holds personal data: keep it encrypted and delete it when done.
 * - Production (Neon): DATABASE_OWNER_URL=<owner connection string> npm run db:backup -- --out …
 * - Without DATABASE_OWNER_URL: the local dev database, started for the moment if need be.
 */
import { parseArgs } from "node:util";
import { backupDatabase } from "./lib/backup.ts";
import { withLocalDatabase } from "./lib/local-database.ts";

try {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const dir = values.out;
  if (!dir) throw new Error("usage: npm run db:backup -- --out <folder>");

  const ownerUrl = process.env.DATABASE_OWNER_URL;
  const manifest = ownerUrl
    ? await backupDatabase({ ownerUrl, dir })
    : await withLocalDatabase((urls) => backupDatabase({ ownerUrl: urls.owner, dir }));

  const rows = manifest.tables.reduce((sum, table) => sum + table.rows, 0);
  process.stdout.write(
    `backup written to ${dir}: ${manifest.tables.length} tables, ${rows} rows, migration level ${manifest.migrations.length}\n`,
  );
} catch (error) {
  // Never print the connection string: the message of pg errors does not contain it.
  process.stderr.write(`backup failed: ${error instanceof Error ? error.message : error}\n`);
  process.exitCode = 1;
}
