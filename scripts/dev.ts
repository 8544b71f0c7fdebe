/**
 * `npm run dev`: the whole product on this machine, offline.
 * 1. embedded Postgres (data kept in .data/postgres), roles and migrations applied as the owner;
 * 2. the local Neon endpoint (HTTP /sql and WebSocket) on 127.0.0.1;
 * 3. `wrangler dev` on http://127.0.0.1:8787, told where the endpoint is through --var.
 * Ctrl-C or SIGTERM stops all three; so does the death of the npm process that started us.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureDevVars } from "./lib/dev-vars.ts";
import { DEV_PORTS, OFFLINE_ENV } from "./lib/local-config.ts";
import { LOCAL_URLS, startLocalDatabase } from "./lib/local-database.ts";
import { type NeonEndpoint, startNeonEndpoint } from "./lib/neon-endpoint.ts";
import { portInUse } from "./lib/ports.ts";
import type { PostgresProcess } from "./lib/postgres-process.ts";

const WRANGLER = fileURLToPath(
  new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url),
);

const say = (line: string) => process.stdout.write(`[dev] ${line}\n`);

let postgres: PostgresProcess | undefined;
let endpoint: NeonEndpoint | undefined;
let wrangler: ChildProcess | undefined;
let stopping: Promise<void> | undefined;

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown(0);
}, 1000).unref();

try {
  await start();
} catch (error) {
  process.stderr.write(
    `[dev] could not start: ${error instanceof Error ? error.message : error}\n`,
  );
  await shutdown(1);
}

async function start(): Promise<void> {
  for (const [name, port] of Object.entries(DEV_PORTS)) {
    if (await portInUse(port)) {
      throw new Error(
        `port ${port} (${name}) is already in use. Is another \`npm run dev\` running? ` +
          "Set GALLO_PG_PORT, GALLO_ENDPOINT_PORT or GALLO_WORKER_PORT to use other ports.",
      );
    }
  }
  ensureDevVars();

  postgres = await startLocalDatabase();
  say(
    `Postgres 17 on 127.0.0.1:${DEV_PORTS.postgres} (data in .data/postgres), migrations applied`,
  );

  endpoint = await startNeonEndpoint({ port: DEV_PORTS.endpoint });
  say(`Neon endpoint on http://${endpoint.address} (HTTP /sql and WebSocket)`);

  wrangler = spawn(
    process.execPath,
    [
      WRANGLER,
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(DEV_PORTS.worker),
      "--var",
      `DATABASE_URL:${LOCAL_URLS.runtime}`,
      "--var",
      `NEON_LOCAL_ENDPOINT:${endpoint.address}`,
      // Email goes to the dev outbox (http://127.0.0.1:8787/dev/outbox), never to a provider.
      "--var",
      "DEV_OUTBOX:on",
    ],
    // Its own process group, so workerd and esbuild can be stopped with it.
    {
      stdio: ["ignore", "inherit", "inherit"],
      detached: true,
      env: { ...process.env, ...OFFLINE_ENV },
    },
  );
  wrangler.once("exit", (code) => {
    wrangler = undefined;
    if (!stopping) {
      say(`wrangler exited (${code}); stopping`);
      void shutdown(code ?? 1);
    }
  });
  say(`Worker starting on http://127.0.0.1:${DEV_PORTS.worker} (try /health). Ctrl-C stops all.`);
}

function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    await stopWrangler();
    await endpoint?.close().catch(() => {});
    await postgres?.stop();
    process.exit(code);
  })();
  return stopping;
}

async function stopWrangler(): Promise<void> {
  const child = wrangler;
  if (!child?.pid) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const grace = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 3000));
  await Promise.race([exited, grace]);
  try {
    // Whatever wrangler left in its group (workerd, esbuild) goes with it.
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
}
