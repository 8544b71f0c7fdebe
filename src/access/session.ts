/**
 * Session cookies: a signed JWT (HS256, pinned) in `__Host-gallo_session` (Secure, HttpOnly,
 * SameSite=Lax, Path=/). The token only names a server-side session row; `gallo_begin` checks that
 * row in the same transaction as the request's work, so logout and revocation act at once.
 *
 * Key rotation: tokens are signed with `JWT_SECRET` and carry its key id (`kid`, derived from the
 * key). `JWT_PREVIOUS_SECRET`, when set, is still accepted, so a rotation logs nobody out; remove
 * it once the longest session lifetime has passed.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { decode, sign, verify } from "hono/jwt";
import type { AppEnv, Bindings, SessionClaims } from "../env.ts";
import { base64url, sha256Hex } from "../lib/crypto.ts";
import { AppError } from "../lib/errors.ts";
import { isUuid } from "../lib/ids.ts";

export const SESSION_COOKIE = "gallo_session";
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
  const key = (await signingKeys(c.env))[0];
  if (!key) throw new Error("JWT_SECRET is not set");
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
    {
      kty: "oct",
      k: base64url(new TextEncoder().encode(key.secret)),
      alg: ALGORITHM,
      kid: key.kid,
    },
  );
  setCookie(c, SESSION_COOKIE, token, {
    prefix: "host",
    secure: true,
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    maxAge: lifetime,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { prefix: "host", secure: true, path: "/" });
}

/**
 * Reads and verifies the cookie; an absent or invalid token leaves the request anonymous. When
 * the cookie names a dead session (it does not verify, or the database refused its row as revoked,
 * idle or expired), a 401 answer also removes it: keeping it would only get in the way. A 401 for
 * another reason (a mistyped code or password) keeps a live session's cookie.
 */
export const readSession = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE, "host");
  if (token) {
    const claims = await verifyToken(token, c.env);
    if (claims) {
      c.set("session", claims);
      c.get("logger").bind({ orgId: claims.orgId });
    }
  }
  await next();
  const dead = !c.get("session") || c.get("sessionRejected") === true;
  if (token && dead && c.res.status === 401) clearSessionCookie(c);
});

/** Routes behind this answer 401 without a verified session cookie. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("session")) throw new AppError("UNAUTHENTICATED");
  await next();
});

/**
 * Signs a payload with the current key and its kid in the header. Exported for tests, which forge
 * tokens that differ from genuine ones in exactly one way.
 */
export async function signToken(
  env: Bindings,
  payload: Record<string, unknown>,
  algorithm: "HS256" | "HS384" | "HS512" = ALGORITHM,
): Promise<string> {
  const key = (await signingKeys(env))[0];
  if (!key) throw new Error("JWT_SECRET is not set");
  const k = base64url(new TextEncoder().encode(key.secret));
  return sign(payload, { kty: "oct", k, alg: algorithm, kid: key.kid });
}

type SigningKey = { kid: string; secret: string };

/** The current key first, then the previous one (if any). The kid names a key without revealing it. */
async function signingKeys(env: Bindings): Promise<SigningKey[]> {
  const secrets = [env.JWT_SECRET, env.JWT_PREVIOUS_SECRET].filter((s): s is string => !!s);
  return Promise.all(
    secrets.map(async (secret) => ({
      kid: (await sha256Hex(`kid:${secret}`)).slice(0, 16),
      secret,
    })),
  );
}

async function verifyToken(token: string, env: Bindings): Promise<SessionClaims | undefined> {
  try {
    const { kid } = decode(token).header;
    const key = (await signingKeys(env)).find((k) => k.kid === kid);
    if (!key) return undefined;
    const payload = await verify(token, key.secret, { alg: ALGORITHM, iss: ISSUER, aud: AUDIENCE });
    // hono/jwt checks exp, nbf and iat only when present: ours always carry them.
    if (![payload.exp, payload.nbf, payload.iat].every((n) => typeof n === "number")) return;
    const { sub, org, sid } = payload;
    if (![sub, org, sid].every((v) => typeof v === "string" && isUuid(v))) return;
    return { userId: sub as string, orgId: org as string, sessionId: sid as string };
  } catch {
    return undefined;
  }
}
