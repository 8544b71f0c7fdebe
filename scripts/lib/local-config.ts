/**
 * Names and local-only credentials of the development and test databases.
 *
 * These passwords guard a server that listens on 127.0.0.1 of a developer's machine and holds
 * demo data only; production credentials come from the environment (see README, "Production").
 */
export const SUPERUSER = { user: "postgres", password: "local-superuser" } as const;

/** Owns every table and runs migrations (on Neon: the project's owner role). */
export const OWNER = { user: "gallo_owner", password: "local-owner" } as const;

/** What the Worker connects as: NOSUPERUSER, NOBYPASSRLS, owns nothing. */
export const RUNTIME = { user: "gallo_app", password: "local-runtime" } as const;

// Below Linux's ephemeral range (32768-60999), where an outgoing connection could hold the port.
export const DEV_PORTS = {
  postgres: Number(process.env.GALLO_PG_PORT ?? 15432),
  endpoint: Number(process.env.GALLO_ENDPOINT_PORT ?? 15433),
  worker: Number(process.env.GALLO_WORKER_PORT ?? 8787),
} as const;

export const DEV_DATABASE = "gallo";
export const DEV_DATA_DIR = ".data/postgres";

export function databaseUrl(
  role: { user: string; password: string },
  port: number,
  database: string,
): string {
  return `postgres://${role.user}:${role.password}@127.0.0.1:${port}/${database}`;
}

/** Keeps wrangler offline and quick: no telemetry call, no `Request.cf` download, no update check. */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
} as const;
