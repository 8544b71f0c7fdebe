/**
 * Session cookies: a signed JWT (HS256, pinned) in `__Host-gallo_session` (Secure, HttpOnly,
 * SameSite=Lax, Path=/). The token only names a server-side session row; `gallo_begin` checks that
 * row in the same transaction as the request's work, so logout and revocation act at once.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { sign, verify } from "hono/jwt";
import type { AppEnv, SessionClaims } from "../env.ts";
import { AppError } from "../lib/errors.ts";
import { isUuid } from "../lib/ids.ts";

const COOKIE = "gallo_session";
const ISSUER = "gallo-crm";
const AUDIENCE = "gallo-crm-web";
const ALGORITHM = "HS256";

/** Seconds a session may live in total (the JWT `exp` and the row's `expires_at`). */
export function sessionLifetime(c: Context<AppEnv>): number {
  return Number(c.env.SESSION_MAX_SECONDS);
}

export async function setSessionCookie(c: Context<AppEnv>, claims: SessionClaims): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const lifetime = sessionLifetime(c);
  const token = await sign(
    {
      sub: claims.userId,
      org: claims.orgId,
      sid: claims.sessionId,
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now,
      nbf: now,
      exp: now + lifetime,
    },
    c.env.JWT_SECRET,
    ALGORITHM,
  );
  setCookie(c, COOKIE, token, {
    prefix: "host",
    secure: true,
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    maxAge: lifetime,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, COOKIE, { prefix: "host", secure: true, path: "/" });
}

/** Reads and verifies the cookie; an absent or invalid token leaves the request anonymous. */
export const readSession = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, COOKIE, "host");
  if (token) {
    const claims = await verifyToken(token, c.env.JWT_SECRET);
    if (claims) {
      c.set("session", claims);
      c.get("logger").bind({ orgId: claims.orgId });
    }
  }
  await next();
});

/** Routes behind this answer 401 without a verified session cookie. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("session")) throw new AppError("UNAUTHENTICATED");
  await next();
});

async function verifyToken(token: string, secret: string): Promise<SessionClaims | undefined> {
  try {
    const payload = await verify(token, secret, {
      alg: ALGORITHM,
      iss: ISSUER,
      aud: AUDIENCE,
    });
    const { sub, org, sid } = payload;
    if (![sub, org, sid].every((v) => typeof v === "string" && isUuid(v))) return;
    return { userId: sub as string, orgId: org as string, sessionId: sid as string };
  } catch {
    return undefined;
  }
}
