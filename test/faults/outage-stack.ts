/**
 * A private database stack and Worker for the fault tests, apart from the shared test stack so
 * that stopping its Postgres disturbs no other test file: its own embedded Postgres (bootstrapped
 * and migrated like the shared one), its own local Neon endpoint, and the Worker under wrangler's
 * `unstable_startWorker`, pointed at them. Postgres can be stopped and started again on the same
 * port and data folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unstable_startWorker } from "wrangler";
import { bootstrapLocalDatabase } from "../../scripts/lib/bootstrap.ts";
import { databaseUrl, OFFLINE_ENV, OWNER, RUNTIME } from "../../scripts/lib/local-config.ts";
import { migrateDatabase } from "../../scripts/lib/migrate.ts";
import { type NeonEndpoint, startNeonEndpoint } from "../../scripts/lib/neon-endpoint.ts";
import { type PostgresProcess, startPostgres } from "../../scripts/lib/postgres-process.ts";
import { freePort } from "../support/stack.ts";

const DATABASE = "gallo_faults";

/** What the tests send: miniflare's own Request types differ from the Workers types in scope. */
export type Call = { method?: string; headers?: Record<string, string>; body?: string };
export type Answer = { status: number; headers: Headers; text: string };

export type OutageStack = {
  ownerUrl: string;
  /** Calls the Worker; `path` is relative to its origin. */
  fetch(path: string, call?: Call): Promise<Answer>;
  stopDatabase(): Promise<void>;
  startDatabase(): Promise<void>;
  close(): Promise<void>;
};

/**
 * Starts the Worker first and the database only when `databaseUp` is true, so a test can see the
 * Worker's very first request meet a database that is down.
 */
export async function startOutageStack(options: { databaseUp: boolean }): Promise<OutageStack> {
  Object.assign(process.env, OFFLINE_ENV);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "gallo-faults-pg-"));
  const endpoint: NeonEndpoint = await startNeonEndpoint({ port: 0 });
  let postgres: PostgresProcess | undefined;
  let migrated = false;

  const startDatabase = async () => {
    if (postgres) return;
    // Persistent, so that stopping keeps the data a restart must find again.
    postgres = await startPostgres({ dir, port, ephemeral: false });
    if (migrated) return;
    await bootstrapLocalDatabase(port, DATABASE);
    await migrateDatabase({
      ownerUrl: databaseUrl(OWNER, port, DATABASE),
      runtimePassword: RUNTIME.password,
    });
    migrated = true;
  };
  const stopDatabase = async () => {
    await postgres?.stop();
    postgres = undefined;
  };

  const worker = await unstable_startWorker({
    config: fileInRepo("wrangler.toml"),
    bindings: {
      DATABASE_URL: text(databaseUrl(RUNTIME, port, DATABASE)),
      NEON_LOCAL_ENDPOINT: text(endpoint.address),
      JWT_SECRET: text("test-only-jwt-secret-0123456789abcdef"),
      PASSWORD_PEPPER: text("test-only-pepper-0123456789abcdef"),
      TOTP_ENCRYPTION_KEY: text("dGVzdC1vbmx5LXRvdHAta2V5LTAxMjM0NTY3ODlhYmM="),
      DEV_OUTBOX: text("on"),
    },
    dev: {
      server: { hostname: "127.0.0.1", port: 0 },
      inspector: false,
      watch: false,
      logLevel: "none",
    },
  });
  try {
    await worker.ready;
    if (options.databaseUp) await startDatabase();
  } catch (error) {
    await Promise.allSettled([worker.dispose(), stopDatabase(), endpoint.close()]);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    ownerUrl: databaseUrl(OWNER, port, DATABASE),
    async fetch(path, call = {}) {
      const response = await worker.fetch(`https://gallo.test${path}`, call);
      const headers = new Headers();
      response.headers.forEach((value, name) => headers.append(name, value));
      return { status: response.status, headers, text: await response.text() };
    },
    stopDatabase,
    startDatabase,
    async close() {
      await Promise.allSettled([worker.dispose(), stopDatabase(), endpoint.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function text(value: string) {
  return { type: "plain_text", value } as const;
}

function fileInRepo(name: string): string {
  return new URL(`../../${name}`, import.meta.url).pathname;
}
