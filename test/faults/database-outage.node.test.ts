/**
 * Faults: with Postgres stopped the Worker answers a clean 503 DATABASE_UNAVAILABLE (not a hang,
 * not a bare 500), a batch that fails in its last statement leaves nothing of the earlier ones,
 * and the first request after Postgres is back works. Runs against a private stack
 * (outage-stack.ts), never the shared test database.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Answer, type OutageStack, startOutageStack } from "./outage-stack.ts";

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
    const down = await stack.call("/health");

    expect(down.status).toBe(503);
    expectUnavailable(down);

    await stack.startDatabase();
    const up = await stack.call("/health");

    expect(up).toMatchObject({ status: 200, body: { status: "ok", database: "ok" } });
  });

  it.each([
    { what: "an authenticated read", method: "GET", body: undefined },
    { what: "an authenticated write", method: "POST", body: { firstName: "Ana" } },
  ])(
    "answers $what with 503 DATABASE_UNAVAILABLE, and serves it again after a restart",
    async ({ method, body }) => {
      await stack.startDatabase();
      const session = await stack.signUp();

      await stack.stopDatabase();
      const health = await stack.call("/health");
      const down = await stack.call("/api/v1/people", { session, method, body });

      expectUnavailable(health);
      expectUnavailable(down);

      await stack.startDatabase();
      const up = await stack.call("/api/v1/people", { session, method, body });

      expect(up.status).toBe(method === "GET" ? 200 : 201);
    },
  );
});

describe("a request whose batch fails in its last statement", () => {
  it("answers 500 INTERNAL and keeps nothing of the person written before the failure", async () => {
    await stack.startDatabase();
    const session = await stack.signUp();
    const first = await stack.call("/api/v1/people", {
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
      const failed = await stack.call("/api/v1/people", {
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

async function asOwner(text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const owner = new pg.Client({ connectionString: stack.ownerUrl });
  await owner.connect();
  try {
    return (await owner.query(text, params)).rows;
  } finally {
    await owner.end();
  }
}
