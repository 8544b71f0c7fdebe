/**
 * Security headers (src/http/security-headers.ts) on every response the Worker gives: successes
 * of every kind, and every kind of failure, including the ones raised before any route runs.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import type { Bindings } from "../../src/env.ts";
import app from "../../src/index.ts";
import { api, newTenant, ORIGIN } from "../support/api.ts";

type Answer = { status: number; headers: Headers };

const RESPONSES: { what: string; status: number; send: () => Promise<Answer> }[] = [
  { what: "200 JSON of GET /health", status: 200, send: () => api("/health") },
  {
    what: "200 JSON of GET /api/v1/auth/me",
    status: 200,
    send: async () => (await newTenant()).call("/api/v1/auth/me"),
  },
  {
    what: "201 of POST /api/v1/people",
    status: 201,
    send: async () =>
      (await newTenant()).call("/api/v1/people", { method: "POST", body: { firstName: "Ana" } }),
  },
  {
    what: "202 of POST /api/v1/auth/register",
    status: 202,
    send: () =>
      api("/api/v1/auth/register", {
        method: "POST",
        body: {
          organisationName: "Org",
          email: `headers-${crypto.randomUUID()}@example.com`,
          password: "senha-forte-123",
        },
      }),
  },
  {
    what: "204 of POST /api/v1/auth/logout",
    status: 204,
    send: async () => (await newTenant()).call("/api/v1/auth/logout", { method: "POST" }),
  },
  {
    what: "400 VALIDATION_FAILED",
    status: 400,
    send: async () => (await newTenant()).call("/api/v1/people", { method: "POST", body: {} }),
  },
  {
    what: "400 MALFORMED_JSON",
    status: 400,
    send: async () =>
      (await newTenant()).call("/api/v1/people", { method: "POST", body: '{"firstName":' }),
  },
  { what: "401 UNAUTHENTICATED", status: 401, send: () => api("/api/v1/auth/me") },
  {
    what: "403 CROSS_SITE_REQUEST (refused in middleware)",
    status: 403,
    send: () =>
      api("/api/v1/auth/login", {
        method: "POST",
        headers: { origin: "https://evil.example" },
        body: { email: "a@example.com", password: "x" },
      }),
  },
  { what: "404 of an unknown path", status: 404, send: () => api("/no/such/page") },
  {
    what: "410 LINK_INVALID",
    status: 410,
    send: () =>
      api("/api/v1/auth/register/confirm", {
        method: "POST",
        body: { token: "never-issued-0123456789abcdefghij" },
      }),
  },
  {
    what: "503 UNSAFE_DATABASE_ROLE (refused before any route)",
    status: 503,
    send: () => fetchWithDatabase(fresh(inject("superuserUrl")), "/health"),
  },
];

describe("every response", () => {
  it.each(RESPONSES)("carries the security headers: $what", async ({ send, status }) => {
    const res = await send();

    expect(res.status).toBe(status);
    const csp = directives(res.headers.get("content-security-policy"));
    const scripts = csp.get("script-src") ?? csp.get("default-src");
    expect(scripts, "script-src (or default-src)").toBeDefined();
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(scripts).not.toContain("*");
    expect(scripts).not.toContain("data:");
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);

    const hsts = res.headers.get("strict-transport-security") ?? "";
    expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31_536_000);
    expect(hsts).toMatch(/includeSubDomains/i);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect([
      "no-referrer",
      "same-origin",
      "strict-origin",
      "strict-origin-when-cross-origin",
    ]).toContain(res.headers.get("referrer-policy"));
    const permissions = (res.headers.get("permissions-policy") ?? "").replaceAll(" ", "");
    for (const feature of ["camera=()", "microphone=()", "geolocation=()", "payment=()"]) {
      expect(permissions.split(","), feature).toContain(feature);
    }
    expect(res.headers.get("x-powered-by")).toBeNull();
  });
});

/** A CSP header as directive → sources. */
function directives(header: string | null): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of (header ?? "").split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), sources);
  }
  return map;
}

/** `url` with a parameter that makes it a new cache key for the fail-safe. */
function fresh(url: string): string {
  const next = new URL(url);
  next.searchParams.set("application_name", `headers-${crypto.randomUUID()}`);
  return next.toString();
}

async function fetchWithDatabase(databaseUrl: string, path: string): Promise<Answer> {
  const ctx = createExecutionContext();
  const bindings = { ...(env as unknown as Bindings), DATABASE_URL: databaseUrl };
  const response = await app.fetch(new Request(`${ORIGIN}${path}`), bindings, ctx);
  await waitOnExecutionContext(ctx);
  await response.text();
  return { status: response.status, headers: response.headers };
}
