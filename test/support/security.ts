/**
 * Shared security checks that every route's tests call, so that each route is refused the same
 * way: without a valid session (401), and from another site or without the session's CSRF token
 * (403); and below the role a route needs (403 FORBIDDEN, `expectRouteRequiresRole`).
 */
import { env, exports } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { expect } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { csrfTokenFor } from "../../src/access/csrf.ts";
import { isAtLeast, ROLE_RANKS } from "../../src/access/roles.ts";
import { signToken } from "../../src/access/session.ts";
import type { Bindings } from "../../src/env.ts";
import {
  type ApiResponse,
  api,
  newTenant,
  ORIGIN,
  randomClientIp,
  type SessionBody,
  type Tenant,
  tenantFrom,
} from "./api.ts";
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

/** One way a browser (or a script) can carry a request body. */
export type BodyEncoding = {
  name: string;
  /** The Content-Type header sent, or undefined for none at all. */
  contentType: string | undefined;
  encode: (fields: Record<string, unknown>) => BodyInit;
};

const BOUNDARY = "gallo-test-boundary";

/**
 * Every body a cross-site page can make a browser send: the three "simple" types an HTML form or
 * a no-cors fetch can use without a preflight (urlencoded, multipart, text/plain, e.g. JSON
 * smuggled in a text/plain form), a body without any type, and JSON in plain and odd casing.
 */
export const CONTENT_TYPES: readonly BodyEncoding[] = [
  { name: "application/json", contentType: "application/json", encode: (f) => JSON.stringify(f) },
  {
    name: "application/x-www-form-urlencoded",
    contentType: "application/x-www-form-urlencoded",
    encode: (f) => new URLSearchParams(textFields(f)).toString(),
  },
  {
    name: "multipart/form-data",
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
    encode: (f) =>
      Object.entries(textFields(f))
        .map(
          ([k, v]) =>
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
        )
        .join("")
        .concat(`--${BOUNDARY}--\r\n`),
  },
  { name: "text/plain", contentType: "text/plain", encode: (f) => JSON.stringify(f) },
  // Bytes, not a string: a string body would make the Request add text/plain itself.
  {
    name: "no content type",
    contentType: undefined,
    encode: (f) => new TextEncoder().encode(JSON.stringify(f)),
  },
  {
    name: "Application/JSON; Charset=UTF-8",
    contentType: "Application/JSON; Charset=UTF-8",
    encode: (f) => JSON.stringify(f),
  },
];

/** How a request announces that it comes from another site; each must be refused. */
export const CROSS_SITE: readonly { name: string; headers: Record<string, string> }[] = [
  { name: "Origin https://evil.example", headers: { origin: "https://evil.example" } },
  { name: 'Origin "null" (sandboxed frame, data: URL)', headers: { origin: "null" } },
  { name: "no Origin but Sec-Fetch-Site: cross-site", headers: { "sec-fetch-site": "cross-site" } },
  // A sibling subdomain can set its own cookies and pages; it is another origin all the same.
  { name: "no Origin but Sec-Fetch-Site: same-site", headers: { "sec-fetch-site": "same-site" } },
  { name: "the Origin of a sibling subdomain", headers: { origin: "https://evil.gallo.test" } },
  { name: "our host over plain http", headers: { origin: ORIGIN.replace("https:", "http:") } },
  { name: "an Origin that only starts like ours", headers: { origin: `${ORIGIN}.evil.example` } },
];

/** What a same-origin page sends along with a state-changing request. */
export const SAME_ORIGIN = { origin: ORIGIN, "sec-fetch-site": "same-origin" };

type ErrorBody = { error?: { code: string } } | null;

/**
 * Sends `route` with its body (plus `extraFields`) encoded as `encoding`, the session `cookie` and
 * exactly the `headers` given: no CSRF token is added.
 */
export async function sendEncoded(
  route: Route,
  encoding: BodyEncoding,
  call: { cookie?: string; headers?: Record<string, string>; extraFields?: Record<string, string> },
): Promise<ApiResponse<ErrorBody>> {
  const headers = new Headers(call.headers);
  if (encoding.contentType) headers.set("content-type", encoding.contentType);
  if (call.cookie) headers.set("cookie", call.cookie);
  headers.set("cf-connecting-ip", randomClientIp());
  const fields = { ...(route.body as Record<string, unknown> | undefined), ...call.extraFields };
  const response = await exports.default.fetch(
    new Request(`${ORIGIN}${route.path}`, {
      method: route.method,
      headers,
      body: encoding.encode(fields),
    }),
  );
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : null) as ErrorBody,
    setCookie: response.headers.get("set-cookie"),
  };
}

/**
 * Asserts that `route`, sent with the session cookie of `owner`, answers 403 to every request
 * that is not provably from our own pages, in every body encoding:
 * - CROSS_SITE_REQUEST for each entry of `CROSS_SITE`, even carrying the session's genuine CSRF
 *   token (so the origin check holds on its own);
 * - CSRF_TOKEN_INVALID from our own origin without the token, with an empty one, or with the token
 *   of another session of the same user.
 * Then that the genuine request (JSON, same origin, the session's token) succeeds with 2xx, so
 * the 403s came from the checks and none of the refused requests used up the record.
 *
 * @param route the request; its body must be one the route accepts
 * @param owner the tenant whose session is used (default: a fresh one); pass the owner of the
 *   record named in `route.path`
 */
export async function expectRouteRefusesCrossSite(route: Route, owner?: Tenant): Promise<void> {
  const tenant = owner ?? (await newTenant("CrossSite"));
  const otherSession = await anotherSessionOf(tenant);
  const tokens: { name: string; headers: Record<string, string> }[] = [
    { name: "no CSRF token", headers: {} },
    { name: "an empty CSRF token", headers: { "x-csrf-token": "" } },
    {
      name: "the CSRF token of another session of the same user",
      headers: { "x-csrf-token": otherSession.csrfToken },
    },
  ];

  for (const encoding of CONTENT_TYPES) {
    for (const site of CROSS_SITE) {
      const headers = { ...site.headers, "x-csrf-token": tenant.csrfToken };
      const res = await sendEncoded(route, encoding, { cookie: tenant.cookie, headers });

      const what = `${route.method} ${route.path} as ${encoding.name} from ${site.name}`;
      expect(res.status, what).toBe(403);
      expect(res.body?.error?.code, what).toBe("CROSS_SITE_REQUEST");
    }
    for (const token of tokens) {
      const headers = { ...SAME_ORIGIN, ...token.headers };
      const res = await sendEncoded(route, encoding, { cookie: tenant.cookie, headers });

      const what = `${route.method} ${route.path} as ${encoding.name} with ${token.name}`;
      expect(res.status, what).toBe(403);
      expect(res.body?.error?.code, what).toBe("CSRF_TOKEN_INVALID");
    }
  }

  const genuine = await tenant.call(route.path, { ...route, headers: SAME_ORIGIN });
  const what = `${route.method} ${route.path} from our own page with the session's token`;
  expect(genuine.status, what).toBeGreaterThanOrEqual(200);
  expect(genuine.status, what).toBeLessThan(300);
}

/** A second login of the tenant's user: another session, with its own cookie and CSRF token. */
export async function anotherSessionOf(tenant: Tenant): Promise<Tenant> {
  const res = await api<SessionBody>("/api/v1/auth/login", {
    method: "POST",
    body: { email: tenant.email, password: tenant.password },
  });
  if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
  return tenantFrom(res, { email: tenant.email, password: tenant.password });
}

function textFields(fields: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));
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
