/**
 * Rotating the session signing key (src/access/session.ts): deploy a new JWT_SECRET with the old
 * one as JWT_PREVIOUS_SECRET, and nobody is logged out; remove JWT_PREVIOUS_SECRET, and the old
 * key's cookies are refused. The Worker is called with those bindings, as a deploy would set them.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env.ts";
import app from "../../src/index.ts";
import { cookieFrom, newTenant, ORIGIN, randomClientIp } from "../support/api.ts";
import { tokenOf } from "../support/security.ts";

const current = env as unknown as Bindings;
const NEW_SECRET = "new-test-only-jwt-secret-fedcba9876543210";

/** The Worker after the rotation: a new key, the old one still accepted. */
const rotated: Bindings = {
  ...current,
  JWT_SECRET: NEW_SECRET,
  JWT_PREVIOUS_SECRET: current.JWT_SECRET,
};
/** The Worker once the old key has been retired. */
const retired: Bindings = { ...current, JWT_SECRET: NEW_SECRET, JWT_PREVIOUS_SECRET: undefined };

describe("session key rotation", () => {
  it("keeps a session signed with the old key working, reads and writes, after the rotation", async () => {
    const tenant = await newTenant();

    const me = await fetchAs(rotated, "/api/v1/auth/me", { cookie: tenant.cookie });
    const write = await fetchAs(rotated, "/api/v1/people", {
      method: "POST",
      cookie: tenant.cookie,
      csrfToken: tenant.csrfToken,
      body: { firstName: "Ana" },
    });

    expect(me.status).toBe(200);
    expect((me.body as { user: { id: string } }).user.id).toBe(tenant.userId);
    // The page keeps the CSRF token it was given before the rotation.
    expect(write.status).toBe(201);
  });

  it("signs a new login with the new key and its key id", async () => {
    const tenant = await newTenant();

    const login = await fetchAs(rotated, "/api/v1/auth/login", {
      method: "POST",
      body: { email: tenant.email, password: tenant.password },
    });

    expect(login.status).toBe(200);
    const cookie = cookieFrom(login.setCookie);
    const kid = kidOf(tokenOf(cookie));
    expect(kid).toEqual(expect.any(String));
    expect(kid).not.toBe(kidOf(tokenOf(tenant.cookie)));
    expect(kid).not.toContain(NEW_SECRET);
    expect((await fetchAs(rotated, "/api/v1/auth/me", { cookie })).status).toBe(200);
    expect((await fetchAs(retired, "/api/v1/auth/me", { cookie })).status).toBe(200);
    // A Worker that does not know the new key yet cannot accept it.
    expect((await fetchAs(current, "/api/v1/auth/me", { cookie })).status).toBe(401);
  });

  it("refuses a session signed with the old key once JWT_PREVIOUS_SECRET is removed", async () => {
    const tenant = await newTenant();

    const me = await fetchAs(retired, "/api/v1/auth/me", { cookie: tenant.cookie });
    const write = await fetchAs(retired, "/api/v1/people", {
      method: "POST",
      cookie: tenant.cookie,
      csrfToken: tenant.csrfToken,
      body: { firstName: "Ana" },
    });

    expect(me.status).toBe(401);
    expect(write.status).toBe(401);
    // The session itself was never revoked: only the retired key stands in the way.
    expect((await fetchAs(current, "/api/v1/auth/me", { cookie: tenant.cookie })).status).toBe(200);
  });
});

type Call = { method?: string; cookie?: string; csrfToken?: string; body?: unknown };

/** Calls the Worker with `bindings`, as a deploy with those secrets would run it. */
async function fetchAs(bindings: Bindings, path: string, call: Call = {}) {
  const headers = new Headers({ "cf-connecting-ip": randomClientIp() });
  if (call.cookie) headers.set("cookie", call.cookie);
  if (call.csrfToken) headers.set("x-csrf-token", call.csrfToken);
  if (call.body !== undefined) headers.set("content-type", "application/json");
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`${ORIGIN}${path}`, {
      method: call.method ?? "GET",
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as unknown) : null,
    setCookie: response.headers.get("set-cookie"),
  };
}

function kidOf(token: string): unknown {
  const header = token.split(".")[0] ?? "";
  return (JSON.parse(atob(header.replaceAll("-", "+").replaceAll("_", "/"))) as { kid?: unknown })
    .kid;
}
