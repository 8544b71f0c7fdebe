/**
 * The developer's persistent local database (.data/postgres). Scripts that need it while
 * `npm run dev` is not running start Postgres for the moment and stop it afterwards.
 */
import { bootstrapLocalDatabase } from "./bootstrap.ts";
import {
  DEV_DATA_DIR,
  DEV_DATABASE,
  DEV_PORTS,
  databaseUrl,
  OWNER,
  RUNTIME,
} from "./local-config.ts";
import { migrateDatabase } from "./migrate.ts";
import { portInUse } from "./ports.ts";
import { type PostgresProcess, startPostgres } from "./postgres-process.ts";

export const LOCAL_URLS = {
  owner: databaseUrl(OWNER, DEV_PORTS.postgres, DEV_DATABASE),
  runtime: databaseUrl(RUNTIME, DEV_PORTS.postgres, DEV_DATABASE),
};

/** Starts the dev Postgres, creates the roles and database if new, and applies migrations. */
export async function startLocalDatabase(): Promise<PostgresProcess> {
  const postgres = await startPostgres({
    dir: DEV_DATA_DIR,
    port: DEV_PORTS.postgres,
    ephemeral: false,
  });
  try {
    await prepare();
    return postgres;
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

/** Runs `work` against the dev database, starting Postgres only if `npm run dev` has not. */
export async function withLocalDatabase<T>(work: () => Promise<T>): Promise<T> {
  if (await portInUse(DEV_PORTS.postgres)) {
    await prepare();
    return work();
  }
  const postgres = await startLocalDatabase();
  try {
    return await work();
  } finally {
    await postgres.stop();
  }
}

async function prepare(): Promise<void> {
  await bootstrapLocalDatabase(DEV_PORTS.postgres, DEV_DATABASE);
  await migrateDatabase({ ownerUrl: LOCAL_URLS.owner, runtimePassword: RUNTIME.password });
}
