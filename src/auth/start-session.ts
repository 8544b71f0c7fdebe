/**
 * Opening a session: the statements that insert the session row (to put in the caller's batch,
 * with the org and user claims set), then the cookie and the CSRF token for the response.
 */
import type { Context } from "hono";
import { sessions } from "../../drizzle/schema.ts";
import { csrfTokenFor } from "../access/csrf.ts";
import { sessionLifetime, setSessionCookie } from "../access/session.ts";
import type { Db } from "../db/tenant.ts";
import type { AppEnv, SessionClaims } from "../env.ts";
import { newId } from "../lib/ids.ts";

export function newSession(c: Context<AppEnv>, ids: { orgId: string; userId: string }) {
  const claims: SessionClaims = { ...ids, sessionId: newId() };
  const insert = (db: Db) =>
    db.insert(sessions).values({
      id: claims.sessionId,
      orgId: claims.orgId,
      userId: claims.userId,
      expiresAt: new Date(Date.now() + sessionLifetime(c) * 1000),
      ip: c.req.header("cf-connecting-ip") ?? null,
      userAgent: c.req.header("user-agent")?.slice(0, 512) ?? null,
    });
  return { claims, insert };
}

/** Sets the cookie for a session whose row is committed; returns the CSRF token to hand out. */
export async function deliverSession(c: Context<AppEnv>, claims: SessionClaims): Promise<string> {
  await setSessionCookie(c, claims);
  return csrfTokenFor(c.env.JWT_SECRET, claims.sessionId);
}
