/**
 * Faults: with Postgres stopped the Worker answers a clean 503 DATABASE_UNAVAILABLE (not a hang,
 * not a bare 500), a batch that fails in its last statement leaves nothing of the earlier ones,
 * and the first request after Postgres is back works. Runs against a private stack
 * (outage-stack.ts), never the shared test database.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OutageStack, startOutageStack } from "./outage-stack.ts";

type Session = { cookie: string; csrfToken: string; orgId: string };
type Answer = { status: number; body: Record<string, unknown>; ms: number };

/** Far below the 30 s test timeout: a request to a dead database must fail fast, not hang. */
const PROMPT_MS = 10_000;

let stack: OutageStack;

beforeAll(async () => {
  // The database starts down: the Worker's first check of it must fail and not be remembered.
  stack = await startOutageStack({ databaseUp: false });
}, 60_000);

afterAll(async () => {
  await stack?.close();
}, 30_000);

describe("a Worker whose database is down", () => {
  it("answers /health with 503 DATABASE_UNAVAILABLE at first, and 200 once Postgres is up", async () => {
    const down = await call("/health");

    expect(down.status).toBe(503);
    expectUnavailable(down);

    await stack.startDatabase();
    const up = await call("/health");

    expect(up).toMatchObject({ status: 200, body: { status: "ok", database: "ok" } });
  });

  it.each([
    { what: "an authenticated read", method: "GET", body: undefined },
    { what: "an authenticated write", method: "POST", body: { firstName: "Ana" } },
  ])(
    "answers $what with 503 DATABASE_UNAVAILABLE, and serves it again after a restart",
    async ({ method, body }) => {
      await stack.startDatabase();
      const session = await signUp();

      await stack.stopDatabase();
      const health = await call("/health");
      const down = await call("/api/v1/people", { session, method, body });

      expectUnavailable(health);
      expectUnavailable(down);

      await stack.startDatabase();
      const up = await call("/api/v1/people", { session, method, body });

      expect(up.status).toBe(method === "GET" ? 200 : 201);
    },
  );
});

describe("a request whose batch fails in its last statement", () => {
  it("answers 500 INTERNAL and keeps nothing of the person written before the failure", async () => {
    await stack.startDatabase();
    const session = await signUp();
    const first = await call("/api/v1/people", {
      session,
      method: "POST",
      body: { firstName: "Ana" },
    });
    expect(first.status).toBe(201);
    // A real constraint, not a test route: one timeline event per organisation, so the second
    // person's INSERT succeeds inside the batch and its timeline INSERT (the last statement) fails.
    const index = `faults_one_event_${session.orgId.replaceAll("-", "")}`;
    await asOwner(
      `create unique index ${index} on timeline_events (org_id) where org_id = '${session.orgId}'`,
    );

    try {
      const failed = await call("/api/v1/people", {
        session,
        method: "POST",
        body: { firstName: "Bia" },
      });

      expect(failed.status).toBe(500);
      expect(failed.body).toEqual({
        error: { code: "INTERNAL", message: expect.any(String), requestId: expect.any(String) },
      });
      const rows = await asOwner(
        `select (select array_agg(first_name) from people where org_id = $1) as people,
                (select count(*)::int from timeline_events where org_id = $1) as events`,
        [session.orgId],
      );
      expect(rows[0]).toEqual({ people: ["Ana"], events: 1 });
    } finally {
      await asOwner(`drop index ${index}`);
    }
  });
});

function expectUnavailable(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(answer.body).toEqual({
    error: {
      code: "DATABASE_UNAVAILABLE",
      message: "The database is unavailable. Please try again shortly.",
      requestId: expect.stringMatching(/^req_/),
    },
  });
  expect(answer.ms).toBeLessThan(PROMPT_MS);
}

async function call(
  path: string,
  options: { session?: Session; method?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { "cf-connecting-ip": randomIp() };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.session) {
    headers.cookie = options.session.cookie;
    headers["x-csrf-token"] = options.session.csrfToken;
  }
  const started = Date.now();
  const response = await stack.fetch(path, {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const { status, text } = response;
  return { status, body: text ? JSON.parse(text) : {}, ms: Date.now() - started };
}

/** Registers an organisation through the emailed link, as test/support/api.ts does in workerd. */
async function signUp(): Promise<Session> {
  const email = `faults-${crypto.randomUUID()}@example.com`;
  const account = {
    organisationName: "Faults",
    email,
    password: `senha-forte-${crypto.randomUUID()}`,
  };
  const started = await call("/api/v1/auth/register", { method: "POST", body: account });
  expect(started.status).toBe(202);

  const outbox = await stack.fetch(`/dev/outbox?to=${encodeURIComponent(email)}`);
  const { data } = JSON.parse(outbox.text) as { data: { text: string }[] };
  const token = /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(data[0]?.text ?? "")?.[1];
  const response = await stack.fetch("/api/v1/auth/register/confirm", {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": randomIp() },
    body: JSON.stringify({ token }),
  });
  expect(response.status).toBe(201);
  const body = JSON.parse(response.text) as { csrfToken: string; organisation: { id: string } };
  return {
    cookie: (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "",
    csrfToken: body.csrfToken,
    orgId: body.organisation.id,
  };
}

async function asOwner(text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const owner = new pg.Client({ connectionString: stack.ownerUrl });
  await owner.connect();
  try {
    return (await owner.query(text, params)).rows;
  } finally {
    await owner.end();
  }
}

function randomIp(): string {
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint16Array(2));
  return `2001:db8:${a.toString(16)}:${b.toString(16)}::1`;
}
