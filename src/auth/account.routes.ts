/**
 * The signed-in user's own account: who am I, my organisations and switching between them, my
 * sessions (list, revoke one or all), my password.
 */
import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { Hono } from "hono";
import { memberships, organisations, sessions, users, userTotp } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { csrfTokenFor } from "../access/csrf.ts";
import { hashPassword, verifyPassword } from "../access/password.ts";
import { clearSessionCookie, requireSession } from "../access/session.ts";
import { asMember, sqlState, withClaims } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import {
  changePasswordBody,
  revokeAllBody,
  sessionIdParam,
  switchOrganisationBody,
} from "./auth.schema.ts";
import { deliverSession, newSession } from "./start-session.ts";

type MyOrganisation = { org_id: string; name: string; role: string; require_2fa: boolean };

// Each route names requireSession itself: these routes share /api/v1/auth with public ones.
export const accountRoutes = new Hono<AppEnv>();

// enrolling: a user whose organisation requires 2FA they lack can still see who they are.
accountRoutes.get("/me", requireSession, async (c) => {
  const [me, org, membership, totp, orgs] = await asMember(
    c,
    "viewer",
    (db, { userId, orgId }) => [
      db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, userId)),
      db
        .select({
          id: organisations.id,
          name: organisations.name,
          require2fa: organisations.require2fa,
        })
        .from(organisations)
        .where(eq(organisations.id, orgId)),
      db
        .select({ role: memberships.role })
        .from(memberships)
        .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId))),
      db
        .select({ enabledAt: userTotp.enabledAt })
        .from(userTotp)
        .where(eq(userTotp.userId, userId)),
      db.execute<MyOrganisation>(sql`select * from gallo_my_organisations()`),
    ],
    { enrolling: true },
  );

  const session = c.get("session");
  return c.json({
    user: { ...me[0], twoFactorEnabled: Boolean(totp[0]?.enabledAt) },
    organisation: org[0],
    role: membership[0]?.role,
    organisations: orgs.rows.map((o) => ({ id: o.org_id, name: o.name, role: o.role })),
    csrfToken: session && (await csrfTokenFor(c.env.JWT_SECRET, session.sessionId)),
  });
});

accountRoutes.post(
  "/switch-organisation",
  requireSession,
  validate("json", switchOrganisationBody),
  async (c) => {
    const { organisationId } = c.req.valid("json");

    const [mine] = await asMember(c, "viewer", (db) => [
      db.execute<MyOrganisation>(
        sql`select * from gallo_my_organisations() where org_id = ${organisationId}::uuid`,
      ),
    ]);
    if (mine.rows.length === 0) throw new AppError("NOT_FOUND");

    const { userId, sessionId: oldSessionId } = c.get("session") ?? {};
    if (!userId || !oldSessionId) throw new AppError("UNAUTHENTICATED");
    const session = newSession(c, { orgId: organisationId, userId });
    await withClaims(c, { orgId: organisationId, userId }, (db) => [
      session.insert(db),
      // The user's own session in the other organisation: visible through the user policy.
      db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, oldSessionId)),
      auditEntry(db, c, { orgId: organisationId, actorUserId: userId, action: "auth.switched_in" }),
    ]);

    const csrfToken = await deliverSession(c, session.claims);
    return c.json({ organisation: { id: organisationId, name: mine.rows[0]?.name }, csrfToken });
  },
);

accountRoutes.get("/sessions", requireSession, async (c) => {
  const [rows] = await asMember(c, "viewer", (db, { userId }) => [
    db
      .select({
        id: sessions.id,
        organisationId: sessions.orgId,
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
        ip: sessions.ip,
        userAgent: sessions.userAgent,
      })
      .from(sessions)
      .where(
        and(
          eq(sessions.userId, userId),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, sql`now()`),
        ),
      )
      .orderBy(desc(sessions.lastSeenAt)),
  ]);

  const current = c.get("session")?.sessionId;
  return c.json({ data: rows.map((s) => ({ ...s, current: s.id === current })) });
});

accountRoutes.delete(
  "/sessions/:id",
  requireSession,
  validate("param", sessionIdParam),
  async (c) => {
    const { id } = c.req.valid("param");

    try {
      await asMember(c, "viewer", (db, { orgId, userId }) => [
        // Aborts the batch when no live session of the user has this id, so that the audit
        // entry below is written only for a session that was really ended.
        db.execute(sql`
          with revoked as (
            update ${sessions} set revoked_at = now()
             where id = ${id}::uuid and user_id = ${userId}::uuid and revoked_at is null
            returning 1)
          select gallo_assert(count(*) = 1, 'P0002', 'no live session of the user has this id')
            from revoked`),
        auditEntry(db, c, {
          orgId,
          actorUserId: userId,
          action: "auth.session_revoked",
          targetType: "session",
          targetId: id,
        }),
      ]);
    } catch (error) {
      if (sqlState(error) === "P0002") throw new AppError("NOT_FOUND", { cause: error });
      throw error;
    }

    if (id === c.get("session")?.sessionId) clearSessionCookie(c);
    return c.body(null, 204);
  },
);

accountRoutes.post(
  "/sessions/revoke-all",
  requireSession,
  validate("json", revokeAllBody),
  async (c) => {
    const { includeCurrent } = c.req.valid("json");

    const [revoked] = await asMember(c, "viewer", (db, { orgId, userId, sessionId }) => [
      db
        .update(sessions)
        .set({ revokedAt: new Date() })
        .where(
          and(
            eq(sessions.userId, userId),
            isNull(sessions.revokedAt),
            includeCurrent ? undefined : ne(sessions.id, sessionId),
          ),
        )
        .returning({ id: sessions.id }),
      auditEntry(db, c, {
        orgId,
        actorUserId: userId,
        action: "auth.sessions_revoked",
        summary: { includeCurrent },
      }),
    ]);

    if (includeCurrent) clearSessionCookie(c);
    return c.json({ revoked: revoked.length });
  },
);

/** Changing the password ends every other session of the user, in every organisation. */
accountRoutes.post("/password", requireSession, validate("json", changePasswordBody), async (c) => {
  const body = c.req.valid("json");

  const [me] = await asMember(c, "viewer", (db, { userId }) => [
    db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)),
  ]);
  const ok = await verifyPassword(body.currentPassword, me[0]?.passwordHash, c.env.PASSWORD_PEPPER);
  if (!ok) throw new AppError("INVALID_CREDENTIALS");

  const passwordHash = await hashPassword(body.newPassword, c.env.PASSWORD_PEPPER);
  await asMember(c, "viewer", (db, { orgId, userId, sessionId }) => [
    db
      .update(users)
      .set({ passwordHash, passwordChangedAt: new Date() })
      .where(eq(users.id, userId)),
    db
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(
        and(eq(sessions.userId, userId), isNull(sessions.revokedAt), ne(sessions.id, sessionId)),
      ),
    auditEntry(db, c, { orgId, actorUserId: userId, action: "auth.password_changed" }),
  ]);

  return c.body(null, 204);
});
