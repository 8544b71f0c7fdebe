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
import { type PostgresProcess, startPostgres } from "./postgres-process.ts";
import { runningPostgres } from "./postmaster.ts";

export type LocalUrls = { owner: string; runtime: string };

export function localUrls(port: number): LocalUrls {
  return {
    owner: databaseUrl(OWNER, port, DEV_DATABASE),
    runtime: databaseUrl(RUNTIME, port, DEV_DATABASE),
  };
}

/** The dev database on its configured port (what `npm run dev` starts). */
export const LOCAL_URLS = localUrls(DEV_PORTS.postgres);

/** Starts the dev Postgres, creates the roles and database if new, and applies migrations. */
export async function startLocalDatabase(): Promise<PostgresProcess> {
  const postgres = await startPostgres({
    dir: DEV_DATA_DIR,
    port: DEV_PORTS.postgres,
    ephemeral: false,
  });
  try {
    await prepare(DEV_PORTS.postgres);
    return postgres;
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

/**
 * Runs `work` against the dev database: the running one if `npm run dev` serves .data/postgres
 * (on whatever port it chose), else a Postgres started for the moment. Never another
 * checkout's server that happens to listen on our port.
 */
export async function withLocalDatabase<T>(work: (urls: LocalUrls) => Promise<T>): Promise<T> {
  const live = runningPostgres(DEV_DATA_DIR);
  if (live) {
    await prepare(live.port);
    return work(localUrls(live.port));
  }
  const postgres = await startLocalDatabase();
  try {
    return await work(LOCAL_URLS);
  } finally {
    await postgres.stop();
  }
}

async function prepare(port: number): Promise<void> {
  await bootstrapLocalDatabase(port, DEV_DATABASE);
  await migrateDatabase({ ownerUrl: localUrls(port).owner, runtimePassword: RUNTIME.password });
}
