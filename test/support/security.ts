/**
 * Shared security checks that every route's tests call, so that each route is refused the same
 * way. Issue 3 extends this file with CSRF and role checks.
 */
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { expect } from "vitest";
import type { Bindings } from "../../src/env.ts";
import { api, newTenant, type Tenant } from "./api.ts";

export type Route = { method: string; path: string; body?: unknown };

const COOKIE = "__Host-gallo_session";
const bindings = env as unknown as Bindings;

type Forgery = {
  /** What is wrong with the cookie; shown when the assertion fails. */
  name: string;
  /** The Cookie header to send, built from a genuine session token. */
  cookie: (token: string) => Promise<string | undefined>;
};

const hour = 3600;
const now = () => Math.floor(Date.now() / 1000);

/** Every way of arriving without a valid session that the API must refuse with 401. */
export const FORGERIES: readonly Forgery[] = [
  { name: "no cookie", cookie: async () => undefined },
  { name: "an empty cookie", cookie: async () => `${COOKIE}=` },
  { name: "a value that is no JWT", cookie: async () => `${COOKIE}=not-a-jwt` },
  {
    name: "a token signed with another secret",
    cookie: async (token) =>
      session(await sign(claimsOf(token), "another-secret-0123456789abcdef0123", "HS256")),
  },
  {
    name: "a token with alg none",
    cookie: async (token) => session(`${encode({ alg: "none", typ: "JWT" })}.${payloadOf(token)}.`),
  },
  {
    name: "a token signed with the right secret but another algorithm (HS512)",
    cookie: async (token) => session(await sign(claimsOf(token), bindings.JWT_SECRET, "HS512")),
  },
  {
    // Every other claim is genuine: only the signature check stands between this and a session.
    name: "a token whose payload was edited to live a year longer",
    cookie: async (token) => {
      const [header, , signature] = token.split(".");
      const claims = claimsOf(token);
      const edited = { ...claims, exp: Number(claims.exp) + 365 * 24 * hour };
      return session(`${header}.${encode(edited)}.${signature}`);
    },
  },
  {
    name: "a token whose payload was edited to name another organisation",
    cookie: async (token) => {
      const [header, , signature] = token.split(".");
      const edited = { ...claimsOf(token), org: crypto.randomUUID() };
      return session(`${header}.${encode(edited)}.${signature}`);
    },
  },
  {
    name: "an expired token",
    cookie: async (token) =>
      session(
        await sign(
          { ...claimsOf(token), iat: now() - 2 * hour, nbf: now() - 2 * hour, exp: now() - hour },
          bindings.JWT_SECRET,
        ),
      ),
  },
  {
    name: "a token from another issuer",
    cookie: async (token) =>
      session(await sign({ ...claimsOf(token), iss: "someone-else" }, bindings.JWT_SECRET)),
  },
  {
    name: "a token for another audience",
    cookie: async (token) =>
      session(await sign({ ...claimsOf(token), aud: "someone-else" }, bindings.JWT_SECRET)),
  },
  {
    name: "a well-signed token naming a session that does not exist",
    cookie: async (token) =>
      session(await sign({ ...claimsOf(token), sid: crypto.randomUUID() }, bindings.JWT_SECRET)),
  },
  {
    // Without the __Host- prefix a sibling subdomain could have planted the cookie.
    name: "a genuine token in a cookie without the __Host- prefix",
    cookie: async (token) => `gallo_session=${token}`,
  },
];

/**
 * Asserts that `route` answers 401 UNAUTHENTICATED to every entry of `FORGERIES`, then that the
 * genuine cookie is not refused (so the 401s came from the forgeries, not from the route).
 *
 * @param route the request to send; its path may name a record of `owner`
 * @param owner the tenant whose session the forgeries are made from (default: a fresh one). Pass
 *   the owner of the record in `route.path`, so that a route skipping the check would answer 2xx.
 */
export async function expectRouteRefusesWithoutValidSession(
  route: Route,
  owner?: Tenant,
): Promise<void> {
  const tenant = owner ?? (await newTenant("Forged"));
  const token = tokenOf(tenant.cookie);

  for (const forgery of FORGERIES) {
    const cookie = await forgery.cookie(token);
    const res = await api<{ error: { code: string } }>(route.path, { ...route, cookie });

    const what = `${route.method} ${route.path} with ${forgery.name}`;
    expect(res.status, what).toBe(401);
    expect(res.body.error.code, what).toBe("UNAUTHENTICATED");
  }

  const genuine = await api(route.path, { ...route, cookie: tenant.cookie });
  expect(genuine.status, `${route.method} ${route.path} with the genuine cookie`).not.toBe(401);
}

/** The JWT inside a `__Host-gallo_session=...` cookie. */
export function tokenOf(cookie: string): string {
  const prefix = `${COOKIE}=`;
  if (!cookie.startsWith(prefix)) throw new Error(`not a session cookie: ${cookie}`);
  return cookie.slice(prefix.length);
}

function session(token: string): string {
  return `${COOKIE}=${token}`;
}

function payloadOf(token: string): string {
  return token.split(".")[1] ?? "";
}

function claimsOf(token: string): Record<string, unknown> {
  const base64 = payloadOf(token).replaceAll("-", "+").replaceAll("_", "/");
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

function encode(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}
