/**
 * `npm run db:migrate`: applies migrations as the owner role.
 * - Production (Neon): DATABASE_OWNER_URL=<owner connection string> RUNTIME_ROLE_PASSWORD=<secret>
 *   npm run db:migrate. Creates the runtime role gallo_app if needed and sets its password.
 * - Without DATABASE_OWNER_URL: migrates the local dev database (`npm run dev` does this itself).
 */
import { withLocalDatabase } from "./lib/local-database.ts";
import { migrateDatabase } from "./lib/migrate.ts";

const ownerUrl = process.env.DATABASE_OWNER_URL;

try {
  if (ownerUrl) {
    await migrateDatabase({ ownerUrl, runtimePassword: process.env.RUNTIME_ROLE_PASSWORD });
    process.stdout.write("migrations applied to DATABASE_OWNER_URL\n");
  } else {
    await withLocalDatabase(async () => {});
    process.stdout.write("migrations applied to the local dev database\n");
  }
} catch (error) {
  // Never print the connection string: the message of pg errors does not contain it.
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : error}\n`);
  process.exitCode = 1;
}
