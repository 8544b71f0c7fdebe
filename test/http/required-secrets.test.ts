/**
 * The secrets check (src/http/required-secrets.ts): in production (no local Neon endpoint, no dev
 * outbox) the Worker refuses to serve, and to run its scheduled jobs, while a required secret is
 * missing or blank: 503 SERVICE_MISCONFIGURED, and one log line that names what is missing and
 * holds no secret's value.
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Bindings } from "../../src/env.ts";
import { REQUIRED_SECRETS } from "../../src/http/required-secrets.ts";
import worker, { app } from "../../src/index.ts";
import { ORIGIN } from "../support/api.ts";

const bindings = env as unknown as Bindings;

/** What production looks like: the dev-only switches unset, every secret as configured. */
const production = { ...bindings, NEON_LOCAL_ENDPOINT: undefined, DEV_OUTBOX: undefined };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a Worker in production", () => {
  it.each(REQUIRED_SECRETS)("refuses every request while %s is missing", async (name) => {
    const logs = captureLogs();

    const health = await call({ ...production, [name]: undefined }, "/health");
    const register = await call({ ...production, [name]: undefined }, "/api/v1/auth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ organisationName: "X", email: "x@example.com", password: "x" }),
    });

    for (const res of [health, register]) {
      expect(res.status).toBe(503);
      expect(res.code).toBe("SERVICE_MISCONFIGURED");
    }
    const refusals = logs().filter(
      (line) => line.message === "refusing to serve: required secrets are missing",
    );
    expect(refusals).toHaveLength(2);
    expect(refusals[0]).toEqual(expect.objectContaining({ level: "error", missing: [name] }));
  });

  it("refuses a secret that is only blank, and names every one missing", async () => {
    const logs = captureLogs();

    const res = await call({ ...production, JWT_SECRET: "  ", PASSWORD_PEPPER: "" }, "/health");

    expect(res.status).toBe(503);
    expect(logs()).toContainEqual(
      expect.objectContaining({ missing: ["JWT_SECRET", "PASSWORD_PEPPER"] }),
    );
  });

  it("writes no secret's value to the log", async () => {
    const logs = captureLogs();

    await call({ ...production, TOTP_ENCRYPTION_KEY: undefined }, "/health");

    const text = JSON.stringify(logs());
    for (const name of REQUIRED_SECRETS) {
      const value = bindings[name];
      if (value) expect(text).not.toContain(value);
    }
  });

  it("serves when every required secret is set (an unknown path answers 404, not 503)", async () => {
    const res = await call(production, "/nowhere");

    expect(res.status).toBe(404);
    expect(res.code).toBe("NOT_FOUND");
  });

  it("does not run its scheduled jobs while a secret is missing", async () => {
    const logs = captureLogs();

    const run = worker.scheduled(
      createScheduledController({ cron: "17 3 * * *" }),
      { ...production, PASSWORD_PEPPER: undefined } as unknown as Bindings,
      createExecutionContext(),
    );

    await expect(run).rejects.toThrow("required secrets are missing");
    expect(logs()).toContainEqual(expect.objectContaining({ missing: ["PASSWORD_PEPPER"] }));
    expect(logs().filter((line) => line.job)).toEqual([]);
  });
});

describe("a Worker in local development or tests", () => {
  it.each([
    { where: "with a local Neon endpoint", vars: { DEV_OUTBOX: undefined } },
    { where: "with the dev outbox on", vars: { NEON_LOCAL_ENDPOINT: undefined } },
  ])("does not insist on secrets $where", async ({ vars }) => {
    const res = await call({ ...bindings, ...vars, JWT_SECRET: undefined }, "/nowhere");

    expect(res.status).toBe(404);
  });
});

type Answer = { status: number; code: string | undefined };

async function call(bindingsFor: object, path: string, init?: RequestInit): Promise<Answer> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${ORIGIN}${path}`, init), bindingsFor, ctx);
  await waitOnExecutionContext(ctx);
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, code: body.error?.code };
}

/** The JSON log lines written from now on (the logger writes each with console.log). */
function captureLogs(): () => Record<string, unknown>[] {
  const spy = vi.spyOn(console, "log").mockImplementation(() => {});
  return () => spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
}
