/**
 * `npm run db:restore -- --from <folder>`: restores a backup of `npm run db:backup` into an EMPTY
 * database (a new Neon branch or database; it refuses one with rows), as the owner role: migrates
 * it to the backup's level, loads every table in one transaction, and keeps the audit entries
 * exactly as they were, so `npm run audit:verify` still passes.
 * - Production (Neon): DATABASE_OWNER_URL=<owner URL of the empty database> RUNTIME_ROLE_PASSWORD=…
 *   npm run db:restore -- --from …
 * - Without DATABASE_OWNER_URL: the local dev database (which must be empty: `npm run db:reset`).
 */
import { parseArgs } from "node:util";
import { restoreDatabase } from "./lib/backup.ts";
import { withLocalDatabase } from "./lib/local-database.ts";

try {
  const { values } = parseArgs({ options: { from: { type: "string" } } });
  const dir = values.from;
  if (!dir) throw new Error("usage: npm run db:restore -- --from <folder>");

  const ownerUrl = process.env.DATABASE_OWNER_URL;
  const runtimePassword = process.env.RUNTIME_ROLE_PASSWORD;
  const manifest = ownerUrl
    ? await restoreDatabase({ ownerUrl, dir, runtimePassword })
    : await withLocalDatabase((urls) => restoreDatabase({ ownerUrl: urls.owner, dir }));

  const rows = manifest.tables.reduce((sum, table) => sum + table.rows, 0);
  process.stdout.write(
    `restored ${manifest.tables.length} tables, ${rows} rows from ${dir} (backup of ${manifest.createdAt})\n`,
  );
} catch (error) {
  process.stderr.write(`restore failed: ${error instanceof Error ? error.message : error}\n`);
  process.exitCode = 1;
}
