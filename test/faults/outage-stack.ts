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
export type Raw = { status: number; headers: Headers; text: string };
export type Session = { cookie: string; csrfToken: string; orgId: string };
export type Answer = { status: number; body: Record<string, unknown>; ms: number };
export type JsonCall = {
  session?: Session;
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
};

export type OutageStack = {
  ownerUrl: string;
  /** Calls the Worker; `path` is relative to its origin. */
  fetch(path: string, call?: Call): Promise<Raw>;
  /** A JSON call from its own client address, as `session` (cookie and CSRF token) if given. */
  call(path: string, call?: JsonCall): Promise<Answer>;
  /** Registers an organisation through the emailed link, as test/support/api.ts does in workerd. */
  signUp(): Promise<Session>;
  stopDatabase(): Promise<void>;
  startDatabase(): Promise<void>;
  close(): Promise<void>;
};

/**
 * Starts the Worker first and the database only when `databaseUp` is true, so a test can see the
 * Worker's very first request meet a database that is down.
 */
export async function startOutageStack(options: {
  databaseUp: boolean;
  /** More plain-text bindings, e.g. SENTRY_DSN. */
  bindings?: Record<string, string>;
}): Promise<OutageStack> {
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
      ...Object.fromEntries(
        Object.entries(options.bindings ?? {}).map(([name, value]) => [name, text(value)]),
      ),
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

  const fetch = async (path: string, call: Call = {}): Promise<Raw> => {
    const response = await worker.fetch(`https://gallo.test${path}`, call);
    const headers = new Headers();
    response.headers.forEach((value, name) => {
      headers.append(name, value);
    });
    return { status: response.status, headers, text: await response.text() };
  };
  const call = async (path: string, options: JsonCall = {}): Promise<Answer> => {
    const headers: Record<string, string> = { "cf-connecting-ip": randomIp(), ...options.headers };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.session) {
      headers.cookie = options.session.cookie;
      headers["x-csrf-token"] = options.session.csrfToken;
    }
    const started = Date.now();
    const { status, text } = await fetch(path, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { status, body: text ? JSON.parse(text) : {}, ms: Date.now() - started };
  };

  return {
    ownerUrl: databaseUrl(OWNER, port, DATABASE),
    fetch,
    call,
    signUp: () => signUp(fetch, call),
    stopDatabase,
    startDatabase,
    async close() {
      await Promise.allSettled([worker.dispose(), stopDatabase(), endpoint.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function signUp(fetch: OutageStack["fetch"], call: OutageStack["call"]): Promise<Session> {
  const email = `faults-${crypto.randomUUID()}@example.com`;
  const password = `senha-forte-${crypto.randomUUID()}`;
  const started = await call("/api/v1/auth/register", {
    method: "POST",
    body: { organisationName: "Faults", email, password },
  });
  if (started.status !== 202) throw new Error(`register: ${JSON.stringify(started.body)}`);

  const outbox = await fetch(`/dev/outbox?to=${encodeURIComponent(email)}`);
  const { data } = JSON.parse(outbox.text) as { data: { text: string }[] };
  const token = /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(data[0]?.text ?? "")?.[1];
  const confirmed = await fetch("/api/v1/auth/register/confirm", {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": randomIp() },
    body: JSON.stringify({ token }),
  });
  if (confirmed.status !== 201) throw new Error(`confirm: ${confirmed.text}`);
  const body = JSON.parse(confirmed.text) as { csrfToken: string; organisation: { id: string } };
  return {
    cookie: (confirmed.headers.get("set-cookie") ?? "").split(";")[0] ?? "",
    csrfToken: body.csrfToken,
    orgId: body.organisation.id,
  };
}

/** An address of its own per call, so the per-IP rate limits never tie one call to another. */
function randomIp(): string {
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint16Array(2));
  return `2001:db8:${a.toString(16)}:${b.toString(16)}::1`;
}

function text(value: string) {
  return { type: "plain_text", value } as const;
}

function fileInRepo(name: string): string {
  return new URL(`../../${name}`, import.meta.url).pathname;
}
