/**
 * The fail-safe (src/db/safety.ts): pointed at a database where row-level security cannot hold,
 * the Worker refuses to serve. Damage is done only to gallo_failsafe, never to gallo_test.
 */

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { Bindings } from "../../src/env.ts";
import app from "../../src/index.ts";
import { ORIGIN } from "../support/api.ts";
import { connect, ident } from "../support/db.ts";

type Answer = { status: number; text: string; code: string | undefined };

const schemas: string[] = [];

afterEach(async () => {
  const owner = connect(inject("failsafeOwnerUrl"));
  for (const schema of schemas.splice(0)) {
    await owner.query(`drop schema if exists ${ident(schema)} cascade`);
  }
});

describe("GET /health against an unsafe database", () => {
  it.each([
    { role: "a superuser", url: () => inject("superuserUrl") },
    { role: "the table owner (BYPASSRLS)", url: () => inject("ownerUrl") },
  ])("answers 503 UNSAFE_DATABASE_ROLE when connected as $role", async ({ url }) => {
    const res = await fetchWith(fresh(url()), "/health");

    expect(res.status).toBe(503);
    expect(res.code).toBe("UNSAFE_DATABASE_ROLE");
  });

  it("refuses API requests too, and writes nothing, when connected as a superuser", async () => {
    const email = `failsafe-${crypto.randomUUID()}@example.com`;
    const body = JSON.stringify({ organisationName: "Org", email, password: "senha-forte-123" });

    const res = await fetchWith(fresh(inject("superuserUrl")), "/api/v1/auth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });

    expect(res.status).toBe(503);
    expect(res.code).toBe("UNSAFE_DATABASE_ROLE");
    const lookup = await connect(inject("databaseUrl")).query(
      "select count(*)::int as n from gallo_login_lookup($1)",
      [email],
    );
    expect(lookup.rows[0]?.n).toBe(0);
  });

  it.each([
    { problem: "row security off", protect: "" },
    { problem: "row security enabled but not forced", protect: "enable row level security" },
  ])(
    "answers 503 while a table with org_id has $problem, 200 once it is gone",
    async ({ protect }) => {
      const owner = connect(inject("failsafeOwnerUrl"));
      const schema = `failsafe_${crypto.randomUUID().replaceAll("-", "")}`;
      schemas.push(schema);
      const table = `${ident(schema)}.${ident("notes")}`;
      await owner.query(`create schema ${ident(schema)}`);
      await owner.query(`create table ${table} (id uuid primary key, org_id uuid not null)`);
      if (protect) await owner.query(`alter table ${table} ${protect}`);

      const unsafe = await fetchWith(fresh(inject("failsafeRuntimeUrl")), "/health");
      await owner.query(`drop schema ${ident(schema)} cascade`);
      // The verdict is cached per URL and isolate: a new URL makes the Worker look again.
      const safe = await fetchWith(fresh(inject("failsafeRuntimeUrl")), "/health");

      expect(unsafe.status).toBe(503);
      expect(unsafe.code).toBe("UNSAFE_DATABASE_ROLE");
      // The reason goes to the log, not to the client.
      expect(unsafe.text).not.toContain(schema);
      expect(safe.status).toBe(200);
    },
  );

  it("answers 200 on the intact fail-safe database", async () => {
    const res = await fetchWith(fresh(inject("failsafeRuntimeUrl")), "/health");

    expect(res.status).toBe(200);
  });
});

/** `url` with a parameter that makes it a new cache key for the fail-safe. */
function fresh(url: string): string {
  const next = new URL(url);
  next.searchParams.set("application_name", `failsafe-${crypto.randomUUID()}`);
  return next.toString();
}

/** Calls the app with DATABASE_URL replaced, as a Worker deployed with that secret would. */
async function fetchWith(databaseUrl: string, path: string, init?: RequestInit): Promise<Answer> {
  const ctx = createExecutionContext();
  const bindings = { ...(env as unknown as Bindings), DATABASE_URL: databaseUrl };
  const response = await app.fetch(new Request(`${ORIGIN}${path}`, init), bindings, ctx);
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  const code =
    response.status >= 400
      ? (JSON.parse(text) as { error: { code: string } }).error.code
      : undefined;
  return { status: response.status, text, code };
}
