/** `npm run db:reset`: deletes the local dev database; the next `npm run dev` starts empty. */
import { rmSync } from "node:fs";
import { DEV_DATA_DIR } from "./lib/local-config.ts";
import { runningPostgres } from "./lib/postmaster.ts";

// Asks the data folder itself, not a port: dev may run on another port (GALLO_PG_PORT).
const live = runningPostgres(DEV_DATA_DIR);
if (live) {
  process.stderr.write(
    `Postgres is serving ${DEV_DATA_DIR} (pid ${live.pid}, port ${live.port}): is \`npm run dev\` up? Stop it first, then reset.\n`,
  );
  process.exitCode = 1;
} else {
  rmSync(DEV_DATA_DIR, { recursive: true, force: true });
  process.stdout.write(
    `local database deleted (${DEV_DATA_DIR}); run npm run dev or npm run seed\n`,
  );
}
