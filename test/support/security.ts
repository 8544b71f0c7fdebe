/**
 * Shared security checks that every route's tests call, so that each route is refused the same
 * way: without a valid session (401) and below the role a route needs (403 FORBIDDEN,
 * `expectRouteRequiresRole`). Issue 3 extends this file with CSRF checks.
 */
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { expect } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { csrfTokenFor } from "../../src/access/csrf.ts";
import { isAtLeast, ROLE_RANKS } from "../../src/access/roles.ts";
import { signToken } from "../../src/access/session.ts";
import type { Bindings } from "../../src/env.ts";
import { api, newTenant, type Tenant } from "./api.ts";
import { newTeam, type Team } from "./team.ts";

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
    // Same kid as the genuine key, so the key is found and only the signature fails.
    name: "a token signed with another secret",
    cookie: async (token) =>
      session(
        await sign(claimsOf(token), {
          kty: "oct",
          k: encodeBytes(new TextEncoder().encode("another-secret-0123456789abcdef0123")),
          alg: "HS256",
          kid: kidOf(token),
        }),
      ),
  },
  {
    name: "a token signed with the right secret but without a key id",
    cookie: async (token) => session(await sign(claimsOf(token), bindings.JWT_SECRET, "HS256")),
  },
  {
    name: "a token with alg none",
    cookie: async (token) => session(`${encode({ alg: "none", typ: "JWT" })}.${payloadOf(token)}.`),
  },
  {
    name: "a token signed with the right secret but another algorithm (HS512)",
    cookie: async (token) => session(await signToken(bindings, claimsOf(token), "HS512")),
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
        await signToken(bindings, {
          ...claimsOf(token),
          iat: now() - 2 * hour,
          nbf: now() - 2 * hour,
          exp: now() - hour,
        }),
      ),
  },
  {
    name: "a token from another issuer",
    cookie: async (token) =>
      session(await signToken(bindings, { ...claimsOf(token), iss: "someone-else" })),
  },
  {
    name: "a token for another audience",
    cookie: async (token) =>
      session(await signToken(bindings, { ...claimsOf(token), aud: "someone-else" })),
  },
  {
    name: "a well-signed token naming a session that does not exist",
    cookie: async (token) =>
      session(await signToken(bindings, { ...claimsOf(token), sid: crypto.randomUUID() })),
  },
  {
    name: "a well-signed token without an expiry",
    cookie: async (token) => {
      const { exp: _, ...claims } = claimsOf(token);
      return session(await signToken(bindings, claims));
    },
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
    // The CSRF token matching whatever session the forgery names, so that what is tested is the
    // session check itself, not the CSRF check that would otherwise refuse first with 403.
    const headers = { "x-csrf-token": await csrfFor(cookie) };
    const res = await api<{ error: { code: string } }>(route.path, { ...route, cookie, headers });

    const what = `${route.method} ${route.path} with ${forgery.name}`;
    expect(res.status, what).toBe(401);
    expect(res.body.error.code, what).toBe("UNAUTHENTICATED");
  }

  const genuine = await tenant.call(route.path, route);
  expect(genuine.status, `${route.method} ${route.path} with the genuine cookie`).not.toBe(401);
}

/** A route, or a function making a fresh one for each caller (e.g. a new record to delete). */
export type RoleRoute = Route | ((team: Team, caller: Role) => Route | Promise<Route>);

/**
 * Asserts that `route` answers 403 FORBIDDEN to every role below `minimumRole` and neither 401
 * nor 403 to `minimumRole` and every role above it, each calling with a live session in one
 * organisation. Roles are tried weakest first, so the refusals come before any change an allowed
 * call makes.
 *
 * @param route the request, or a function of the team and the calling role that returns it; use
 *   a function when an allowed call changes or uses up what it targets
 * @param minimumRole the weakest role the route must let through
 * @param team the organisation to test in (default: a fresh one from `newTeam`)
 */
export async function expectRouteRequiresRole(
  route: RoleRoute,
  minimumRole: Role,
  team?: Team,
): Promise<void> {
  const members = team ?? (await newTeam("Roles"));

  for (const role of ROLE_RANKS) {
    const request = typeof route === "function" ? await route(members, role) : route;
    const res = await members[role].call<{ error?: { code: string } }>(request.path, request);

    const what = `${request.method} ${request.path} as ${role}`;
    if (isAtLeast(role, minimumRole)) {
      expect(res.status, what).not.toBe(403);
      expect(res.status, what).not.toBe(401);
    } else {
      expect(res.status, what).toBe(403);
      expect(res.body.error?.code, what).toBe("FORBIDDEN");
    }
  }
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

async function csrfFor(cookie: string | undefined): Promise<string> {
  try {
    const sid = claimsOf(cookie?.split("=")[1] ?? "").sid;
    return typeof sid === "string" ? await csrfTokenFor(bindings.JWT_SECRET, sid) : "none";
  } catch {
    return "none";
  }
}

function kidOf(token: string): string {
  const header = token.split(".")[0] ?? "";
  const json = atob(header.replaceAll("-", "+").replaceAll("_", "/"));
  return (JSON.parse(json) as { kid: string }).kid;
}

function encode(value: unknown): string {
  return encodeBytes(new TextEncoder().encode(JSON.stringify(value)));
}

function encodeBytes(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}
