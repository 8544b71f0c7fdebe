/**
 * Cross-site request protection, for every state-changing method (POST, PUT, PATCH, DELETE):
 * 1. Same origin: a browser's `Origin` must be ours; without it, `Sec-Fetch-Site` must be
 *    `same-origin` or `none`. A request with neither header is not from a browser and goes on to
 *    the token check. This holds whatever the content type, so forms and text/plain are covered.
 * 2. A session-bound token: when the request is authenticated by the session cookie, it must carry
 *    `X-CSRF-Token` (scripts) or a `_csrf` form field (HTML forms) equal to an HMAC of the session
 *    id. A token stolen from one session is worthless in another.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { base64url, hmacSha256, timingSafeEqual } from "../lib/crypto.ts";
import { AppError } from "../lib/errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Flows that open a session from credentials or an emailed link rather than acting with the
 * current one. They skip the token check (the same-origin check still applies, which stops login
 * CSRF): otherwise a browser holding a dead session's cookie could never log in again.
 */
const CREDENTIAL_FLOWS = new Set([
  "/api/v1/auth/login",
  "/api/v1/auth/register",
  "/api/v1/auth/register/confirm",
  "/api/v1/auth/password-reset",
  "/api/v1/auth/password-reset/confirm",
  "/api/v1/auth/2fa/verify",
  "/api/v1/invitations/accept",
]);
export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FIELD = "_csrf";

/** The token a page or script must send back with state-changing requests of this session. */
export async function csrfTokenFor(secret: string, sessionId: string): Promise<string> {
  return base64url(await hmacSha256(secret, `csrf:${sessionId}`));
}

export const csrfProtection = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next();

  if (!isSameOrigin(c)) throw new AppError("CROSS_SITE_REQUEST");

  // A cookie that does not verify authenticates nothing: the request is anonymous, and routes
  // that need a session refuse it with 401 on their own.
  const session = c.get("session");
  if (session && !CREDENTIAL_FLOWS.has(c.req.path)) {
    const sent = c.req.header(CSRF_HEADER) ?? (await formToken(c));
    if (!sent || !(await isTokenOf(c, sent, session.sessionId))) {
      throw new AppError("CSRF_TOKEN_INVALID");
    }
  }
  return next();
});

/**
 * Whether `sent` is the session's token under the current key or, during a key rotation, the
 * previous one: pages loaded before the rotation hold the old token, and their session cookie is
 * still accepted, so their token must be too.
 */
async function isTokenOf(c: Context<AppEnv>, sent: string, sessionId: string): Promise<boolean> {
  const secrets = [c.env.JWT_SECRET, c.env.JWT_PREVIOUS_SECRET].filter((s): s is string => !!s);
  const expected = await Promise.all(secrets.map((secret) => csrfTokenFor(secret, sessionId)));
  return expected.some((token) => timingSafeEqual(sent, token));
}

function isSameOrigin(c: Context<AppEnv>): boolean {
  const origin = c.req.header("origin");
  if (origin !== undefined) return allowedOrigins(c).has(origin);
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) return site === "same-origin" || site === "none";
  return true;
}

function allowedOrigins(c: Context<AppEnv>): Set<string> {
  const origins = new Set([new URL(c.req.url).origin]);
  if (c.env.APP_ORIGIN) origins.add(c.env.APP_ORIGIN);
  return origins;
}

async function formToken(c: Context<AppEnv>): Promise<string | undefined> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (
    !type.startsWith("application/x-www-form-urlencoded") &&
    !type.startsWith("multipart/form-data")
  ) {
    return undefined;
  }
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const value = body[CSRF_FIELD];
  return typeof value === "string" ? value : undefined;
}
