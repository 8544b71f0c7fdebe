/**
 * Starts the local stack for a test run: an ephemeral embedded Postgres on a free port, the
 * databases migrated as the owner role, and the local Neon endpoint. Used by vitest's globalSetup
 * and by the benchmark.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapLocalDatabase } from "../../scripts/lib/bootstrap.ts";
import { databaseUrl, OWNER, RUNTIME, SUPERUSER } from "../../scripts/lib/local-config.ts";
import { migrateDatabase } from "../../scripts/lib/migrate.ts";
import { type NeonEndpoint, startNeonEndpoint } from "../../scripts/lib/neon-endpoint.ts";
import { startPostgres } from "../../scripts/lib/postgres-process.ts";

export type TestStack = {
  urls: {
    /** Runtime role on the main test database. */
    runtime: string;
    owner: string;
    superuser: string;
    /** A second database that tests may damage on purpose (fail-safe tests). */
    failsafeRuntime: string;
    failsafeOwner: string;
  };
  endpoint: NeonEndpoint;
  stop(): Promise<void>;
};

export async function startTestStack(): Promise<TestStack> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "gallo-test-pg-"));
  const postgres = await startPostgres({ dir, port, ephemeral: true });
  try {
    for (const name of ["gallo_test", "gallo_failsafe"]) {
      await bootstrapLocalDatabase(port, name);
      await migrateDatabase({
        ownerUrl: databaseUrl(OWNER, port, name),
        runtimePassword: RUNTIME.password,
      });
    }
    const endpoint = await startNeonEndpoint({ port: 0 });
    return {
      urls: {
        runtime: databaseUrl(RUNTIME, port, "gallo_test"),
        owner: databaseUrl(OWNER, port, "gallo_test"),
        superuser: databaseUrl(SUPERUSER, port, "gallo_test"),
        failsafeRuntime: databaseUrl(RUNTIME, port, "gallo_failsafe"),
        failsafeOwner: databaseUrl(OWNER, port, "gallo_failsafe"),
      },
      endpoint,
      async stop() {
        await endpoint.close();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
