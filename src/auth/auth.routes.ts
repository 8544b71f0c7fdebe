/**
 * Registration, login, logout and "who am I". The security issue hardens these further
 * (rate limits, CSRF tokens, 2FA, uniform answers); the session mechanics here are the final ones.
 */
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { memberships, organisations, sessions, users } from "../../drizzle/schema.ts";
import { hashPassword, verifyPassword } from "../access/password.ts";
import {
  clearSessionCookie,
  requireSession,
  sessionLifetime,
  setSessionCookie,
} from "../access/session.ts";
import { asMember, lookupLogin, sqlState, withClaims } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { loginBody, registerBody } from "./auth.schema.ts";

export const authRoutes = new Hono<AppEnv>();

authRoutes.post("/register", validate("json", registerBody), async (c) => {
  const body = c.req.valid("json");
  const orgId = newId();
  const userId = newId();
  const sessionId = newId();
  const passwordHash = await hashPassword(body.password, c.env.PASSWORD_PEPPER);
  const expiresAt = new Date(Date.now() + sessionLifetime(c) * 1000);

  try {
    await withClaims(c, { orgId, userId }, (db) => [
      db.insert(organisations).values({ id: orgId, name: body.organisationName }),
      db.insert(users).values({ id: userId, email: body.email, passwordHash }),
      db.insert(memberships).values({ orgId, userId, role: "owner" }),
      db.insert(sessions).values({ id: sessionId, orgId, userId, expiresAt, ...client(c) }),
    ]);
  } catch (error) {
    if (sqlState(error) === "23505") throw new AppError("EMAIL_TAKEN", { cause: error });
    throw error;
  }

  await setSessionCookie(c, { userId, orgId, sessionId });
  return c.json(
    {
      user: { id: userId, email: body.email },
      organisation: { id: orgId, name: body.organisationName },
      role: "owner",
    },
    201,
  );
});

authRoutes.post("/login", validate("json", loginBody), async (c) => {
  const body = c.req.valid("json");

  const account = await lookupLogin(c, body.email);
  const ok = await verifyPassword(body.password, account?.passwordHash, c.env.PASSWORD_PEPPER);
  if (!ok || !account?.orgId) throw new AppError("INVALID_CREDENTIALS");

  const { userId, orgId } = account;
  const sessionId = newId();
  const expiresAt = new Date(Date.now() + sessionLifetime(c) * 1000);
  await withClaims(c, { orgId, userId }, (db) => [
    db.insert(sessions).values({ id: sessionId, orgId, userId, expiresAt, ...client(c) }),
  ]);

  await setSessionCookie(c, { userId, orgId, sessionId });
  return c.json({ user: { id: userId, email: body.email }, organisation: { id: orgId } });
});

authRoutes.post("/logout", requireSession, async (c) => {
  await asMember(c, "viewer", (db, { sessionId }) => [
    db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, sessionId)),
  ]);

  clearSessionCookie(c);
  return c.body(null, 204);
});

authRoutes.get("/me", requireSession, async (c) => {
  const [me, org, membership] = await asMember(c, "viewer", (db, { userId, orgId }) => [
    db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, userId)),
    db
      .select({ id: organisations.id, name: organisations.name })
      .from(organisations)
      .where(eq(organisations.id, orgId)),
    db.select({ role: memberships.role }).from(memberships).where(eq(memberships.userId, userId)),
  ]);

  return c.json({ user: me[0], organisation: org[0], role: membership[0]?.role });
});

function client(c: { req: { header(name: string): string | undefined } }) {
  return {
    ip: c.req.header("cf-connecting-ip") ?? null,
    userAgent: c.req.header("user-agent")?.slice(0, 512) ?? null,
  };
}
