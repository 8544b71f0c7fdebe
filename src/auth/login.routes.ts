/** Login and logout. */
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { sessions } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { verifyPassword } from "../access/password.ts";
import { clearSessionCookie, requireSession } from "../access/session.ts";
import { asMember, lookupLogin, withClaims } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { startChallenge } from "../two-factor/challenge.ts";
import { loginBody } from "./auth.schema.ts";
import { deliverSession, newSession } from "./start-session.ts";

export const loginRoutes = new Hono<AppEnv>();

loginRoutes.post("/login", validate("json", loginBody), async (c) => {
  const body = c.req.valid("json");

  const account = await lookupLogin(c, body.email);
  const ok = await verifyPassword(body.password, account?.passwordHash, c.env.PASSWORD_PEPPER);
  if (!ok || !account?.orgId) {
    if (account?.orgId) recordFailedLogin(c, { orgId: account.orgId, userId: account.userId });
    throw new AppError("INVALID_CREDENTIALS");
  }

  const { userId, orgId } = account;
  // With 2FA the password opens no session: a short-lived challenge waits for the code.
  if (account.totpEnabled) {
    await startChallenge(c, { userId, orgId });
    return c.json({ twoFactorRequired: true });
  }

  const session = newSession(c, { orgId, userId });
  await withClaims(c, { orgId, userId }, (db) => [
    session.insert(db),
    auditEntry(db, c, { orgId, actorUserId: userId, action: "auth.login" }),
  ]);

  const csrfToken = await deliverSession(c, session.claims);
  return c.json({
    user: { id: userId, email: body.email },
    organisation: { id: orgId },
    csrfToken,
  });
});

loginRoutes.post("/logout", requireSession, async (c) => {
  // enrolling: a user whose organisation requires 2FA they lack may still log out.
  await asMember(
    c,
    "viewer",
    (db, { orgId, userId, sessionId }) => [
      db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, sessionId)),
      auditEntry(db, c, { orgId, actorUserId: userId, action: "auth.logout" }),
    ],
    { enrolling: true },
  );

  clearSessionCookie(c);
  return c.body(null, 204);
});

/**
 * Recorded after the response is sent: an extra round trip only for existing accounts would
 * otherwise make a wrong password measurably slower than an unknown email.
 */
function recordFailedLogin(
  c: Parameters<typeof auditEntry>[1],
  account: { orgId: string; userId: string },
): void {
  const write = withClaims(c, account, (db) => [
    auditEntry(db, c, {
      orgId: account.orgId,
      actorUserId: null,
      action: "auth.login_failed",
      targetType: "user",
      targetId: account.userId,
    }),
  ]).catch((error: unknown) => c.get("logger").error("could not audit a failed login", { error }));
  c.executionCtx.waitUntil(write);
}
