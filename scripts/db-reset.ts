/** `npm run db:reset`: deletes the local dev database; the next `npm run dev` starts empty. */
import { rmSync } from "node:fs";
import { DEV_DATA_DIR, DEV_PORTS } from "./lib/local-config.ts";
import { portInUse } from "./lib/ports.ts";

if (await portInUse(DEV_PORTS.postgres)) {
  process.stderr.write("Postgres is running (is `npm run dev` up?). Stop it first, then reset.\n");
  process.exitCode = 1;
} else {
  rmSync(DEV_DATA_DIR, { recursive: true, force: true });
  process.stdout.write(
    `local database deleted (${DEV_DATA_DIR}); run npm run dev or npm run seed\n`,
  );
}
