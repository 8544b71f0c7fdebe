/**
 * The login challenge: after a correct password for an account with 2FA, the browser gets a
 * short-lived signed cookie `__Host-gallo_2fa` (HttpOnly, Secure, SameSite=Lax, Path=/) instead of
 * a session. It names the user and organisation and proves only that the password step passed;
 * POST /api/v1/auth/2fa/verify trades it and a code for a session.
 *
 * The token is a JWT (HS256, pinned) with `purpose: "2fa"`, its own audience and its own `jti`,
 * signed with a key derived from JWT_SECRET for this purpose only: a challenge never verifies as a
 * session and a session token never verifies as a challenge.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { sign, verify } from "hono/jwt";
import type { AppEnv, Bindings } from "../env.ts";
import { base64url, hmacSha256 } from "../lib/crypto.ts";
import { isUuid, newId } from "../lib/ids.ts";

export const CHALLENGE_COOKIE = "gallo_2fa";
export const CHALLENGE_SECONDS = 5 * 60;
const ISSUER = "gallo-crm";
const AUDIENCE = "gallo-crm-2fa";
const PURPOSE = "2fa";
const ALGORITHM = "HS256";

export type Challenge = { userId: string; orgId: string; challengeId: string };

/** Sets the challenge cookie for an account whose password was just verified. */
export async function startChallenge(
  c: Context<AppEnv>,
  account: { userId: string; orgId: string },
): Promise<void> {
  const token = await signChallenge(c.env, account);
  setCookie(c, CHALLENGE_COOKIE, token, {
    prefix: "host",
    secure: true,
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    maxAge: CHALLENGE_SECONDS,
  });
}

/** The verified challenge of this request, or undefined if absent, forged or expired. */
export async function readChallenge(c: Context<AppEnv>): Promise<Challenge | undefined> {
  const token = getCookie(c, CHALLENGE_COOKIE, "host");
  if (!token) return undefined;
  try {
    const payload = await verify(token, await challengeKey(c.env), {
      alg: ALGORITHM,
      iss: ISSUER,
      aud: AUDIENCE,
    });
    // hono/jwt checks exp, nbf and iat only when present: ours always carry them.
    if (![payload.exp, payload.nbf, payload.iat].every((n) => typeof n === "number")) return;
    const { purpose, sub, org, jti } = payload;
    if (purpose !== PURPOSE) return;
    if (![sub, org, jti].every((v) => typeof v === "string" && isUuid(v))) return;
    return { userId: sub as string, orgId: org as string, challengeId: jti as string };
  } catch {
    return undefined;
  }
}

export function clearChallenge(c: Context<AppEnv>): void {
  deleteCookie(c, CHALLENGE_COOKIE, { prefix: "host", secure: true, path: "/" });
}

/**
 * The challenge token for `account`. Exported for tests, which make expired or altered ones.
 *
 * @param issuedAt seconds since the epoch (default: now)
 * @param overrides claims to replace, e.g. `{ purpose: "other" }`
 */
export async function signChallenge(
  env: Bindings,
  account: { userId: string; orgId: string },
  issuedAt = Math.floor(Date.now() / 1000),
  overrides: Record<string, unknown> = {},
): Promise<string> {
  return sign(
    {
      purpose: PURPOSE,
      sub: account.userId,
      org: account.orgId,
      jti: newId(),
      iss: ISSUER,
      aud: AUDIENCE,
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + CHALLENGE_SECONDS,
      ...overrides,
    },
    await challengeKey(env),
    ALGORITHM,
  );
}

async function challengeKey(env: Bindings): Promise<string> {
  return base64url(await hmacSha256(env.JWT_SECRET, "gallo-crm:2fa-challenge"));
}
