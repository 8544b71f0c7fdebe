/**
 * Invitations: admins invite by email (only owners invite owners), list and revoke pending ones;
 * the invitee accepts with the emailed link, which is valid for 7 days and once. Accepting joins
 * the organisation and opens a session in it: as a new account when none has the invited email
 * (the link proves the mailbox), else as the existing account, proven by its live session or its
 * password.
 */
import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Context } from "hono";
import { Hono } from "hono";
import { invitations, memberships, organisations, sessions, users } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { hashPassword, verifyPassword } from "../access/password.ts";
import { minRoleFor } from "../access/roles.ts";
import { requireSession } from "../access/session.ts";
import { newPassword } from "../auth/auth.schema.ts";
import { appLink } from "../auth/links.ts";
import { deliverSession, newSession } from "../auth/start-session.ts";
import { asMember, type Db, lookupLogin, sqlState, withClaims } from "../db/tenant.ts";
import { sendEmail } from "../email/email.ts";
import { invitationEmail } from "../email/templates.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { assertNotMember, membershipChange } from "./members.queries.ts";
import { acceptInvitationBody, invitationIdParam, inviteBody } from "./members.schema.ts";

const LINK_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

const pending = and(
  isNull(invitations.acceptedAt),
  isNull(invitations.revokedAt),
  gt(invitations.expiresAt, sql`now()`),
);

const invitationView = {
  id: invitations.id,
  email: invitations.email,
  role: invitations.role,
  invitedBy: invitations.invitedBy,
  expiresAt: invitations.expiresAt,
  createdAt: invitations.createdAt,
};

export const invitationRoutes = new Hono<AppEnv>();

invitationRoutes.post("/", requireSession, validate("json", inviteBody), async (c) => {
  const { email, role } = c.req.valid("json");
  const needed = minRoleFor(role === "owner" ? "owners.manage" : "members.manage");
  const id = newId();
  const token = randomToken();
  const tokenHash = await sha256Hex(token);

  const [, inserted, org, inviter] = await membershipChange(
    asMember(c, needed, (db, { orgId, userId }) => [
      assertNotMember({ db, email }),
      db
        .insert(invitations)
        .values({
          id,
          orgId,
          email,
          role,
          tokenHash,
          invitedBy: userId,
          expiresAt: new Date(Date.now() + LINK_LIFETIME_MS),
        })
        .returning(invitationView),
      db
        .select({ name: organisations.name })
        .from(organisations)
        .where(eq(organisations.id, orgId)),
      db.select({ email: users.email }).from(users).where(eq(users.id, userId)),
      auditEntry(db, c, {
        orgId,
        actorUserId: userId,
        action: "member.invited",
        targetType: "invitation",
        targetId: id,
        summary: { email, role },
      }),
    ]),
  );

  const invitation = inserted[0];
  if (!invitation) throw new AppError("INTERNAL");
  await sendEmail(
    c,
    invitationEmail(email, c.get("locale"), {
      link: appLink(c, "/accept-invitation", { token }),
      organisation: org[0]?.name ?? "",
      inviter: inviter[0]?.email ?? "",
      role,
    }),
  );

  return c.json({ data: invitation }, 201);
});

invitationRoutes.get("/", requireSession, async (c) => {
  const [rows] = await asMember(c, minRoleFor("members.manage"), (db, { orgId }) => [
    db
      .select(invitationView)
      .from(invitations)
      .where(and(eq(invitations.orgId, orgId), pending))
      .orderBy(desc(invitations.createdAt)),
  ]);

  return c.json({ data: rows });
});

invitationRoutes.delete("/:id", requireSession, validate("param", invitationIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [found] = await asMember(c, minRoleFor("members.manage"), (db, { orgId }) => [
    db
      .select({ role: invitations.role, email: invitations.email })
      .from(invitations)
      .where(and(eq(invitations.id, id), eq(invitations.orgId, orgId), pending)),
  ]);
  const invitation = found[0];
  if (!invitation) throw new AppError("NOT_FOUND");

  const needed = minRoleFor(invitation.role === "owner" ? "owners.manage" : "members.manage");
  await membershipChange(
    asMember(c, needed, (db, { orgId, userId }) => [
      db.execute(sql`
        with revoked as (
          update invitations set revoked_at = now()
           where id = ${id}::uuid and org_id = ${orgId}::uuid
             and accepted_at is null and revoked_at is null
          returning 1)
        select gallo_assert(count(*) = 1, 'GAC01', 'the invitation changed meanwhile')
          from revoked`),
      auditEntry(db, c, {
        orgId,
        actorUserId: userId,
        action: "member.invitation_revoked",
        targetType: "invitation",
        targetId: id,
        summary: { email: invitation.email, role: invitation.role },
      }),
    ]),
  );

  return c.body(null, 204);
});

invitationRoutes.post("/accept", validate("json", acceptInvitationBody), async (c) => {
  const body = c.req.valid("json");
  const tokenHash = await sha256Hex(body.token);

  const [found] = await withClaims(c, { tokenHash }, (db) => [
    db
      .select({
        id: invitations.id,
        orgId: invitations.orgId,
        email: invitations.email,
        role: invitations.role,
        expiresAt: invitations.expiresAt,
        acceptedAt: invitations.acceptedAt,
        revokedAt: invitations.revokedAt,
        existingUserId: sql<string | null>`gallo_user_id_by_email(${invitations.email})`,
      })
      .from(invitations)
      .where(eq(invitations.tokenHash, tokenHash)),
  ]);
  const invitation = found[0];
  if (
    !invitation ||
    invitation.acceptedAt ||
    invitation.revokedAt ||
    invitation.expiresAt <= new Date()
  ) {
    throw new AppError("LINK_INVALID");
  }

  const account = invitation.existingUserId
    ? await proveAccount(c, {
        userId: invitation.existingUserId,
        email: invitation.email,
        password: body.password,
      })
    : await newAccount(c, { email: invitation.email, password: body.password });

  const { orgId, role } = invitation;
  const { userId } = account;
  const session = newSession(c, { orgId, userId });
  const [org] = await withClaims(c, { orgId, userId, tokenHash }, (db) => [
    db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, orgId)),
    // Single use, also under two concurrent requests; a revoked or expired link changes nothing.
    db.execute(sql`
        with used as (
          update invitations set accepted_at = now()
           where token_hash = ${tokenHash} and accepted_at is null and revoked_at is null
             and expires_at > now()
          returning 1)
        select gallo_assert(count(*) = 1, 'GA410', 'invitation link is not valid') from used`),
    ...account.statements(db),
    // Limitation: seats are not limited until billing lands (issue 7)
    db.insert(memberships).values({ orgId, userId, role }),
    // Other pending invitations of the same person to this organisation have served their turn.
    db
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(invitations.orgId, orgId),
          eq(invitations.email, invitation.email),
          ne(invitations.id, invitation.id),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      ),
    session.insert(db),
    auditEntry(db, c, {
      orgId,
      actorUserId: userId,
      action: "member.joined",
      targetType: "invitation",
      targetId: invitation.id,
      summary: { email: invitation.email, role, newAccount: !invitation.existingUserId },
    }),
  ]).catch((error: unknown) => {
    // The person joined meanwhile (another link), or signed up meanwhile (a new account's email).
    if (sqlState(error) !== "23505") throw error;
    throw new AppError(invitation.existingUserId ? "ALREADY_MEMBER" : "EMAIL_TAKEN", {
      cause: error,
    });
  });

  const csrfToken = await deliverSession(c, session.claims);
  return c.json(
    {
      user: { id: userId, email: invitation.email },
      organisation: { id: orgId, name: org[0]?.name },
      role,
      csrfToken,
    },
    201,
  );
});

type Ctx = Context<AppEnv>;

/** Who accepts, and the statements that prepare their account in the acceptance batch. */
type Account = { userId: string; statements: (db: Db) => BatchItem<"pg">[] };

/**
 * An existing account must be the caller: by a live session of that user (in any organisation;
 * `gallo_begin` checks it, and the session is then replaced by one in the inviting organisation),
 * or by its password. A password is not enough for an account with two-factor authentication:
 * its owner logs in first (with the second factor), then opens the link again.
 */
async function proveAccount(
  c: Ctx,
  account: { userId: string; email: string; password?: string },
): Promise<Account> {
  const session = c.get("session");
  if (session?.userId === account.userId) {
    await asMember(c, "viewer", (db) => [db.execute(sql`select 1`)]);
    return {
      userId: account.userId,
      statements: (db) => [
        db
          .update(sessions)
          .set({ revokedAt: new Date() })
          .where(eq(sessions.id, session.sessionId)),
      ],
    };
  }

  if (account.password === undefined) throw new AppError("UNAUTHENTICATED");
  const login = await lookupLogin(c, account.email);
  if (login?.totpEnabled) throw new AppError("UNAUTHENTICATED");
  const ok = await verifyPassword(account.password, login?.passwordHash, c.env.PASSWORD_PEPPER);
  if (!ok) throw new AppError("INVALID_CREDENTIALS");
  return { userId: account.userId, statements: () => [] };
}

/** A new account for the invited email, with a password that follows the new-password rules. */
async function newAccount(c: Ctx, account: { email: string; password?: string }): Promise<Account> {
  const parsed = newPassword.safeParse(account.password);
  if (!parsed.success) {
    const message =
      account.password === undefined
        ? "Choose a password for your new account."
        : (parsed.error.issues[0]?.message ?? "Choose another password.");
    throw new AppError("VALIDATION_FAILED", { details: [{ path: "password", message }] });
  }

  const userId = newId();
  const passwordHash = await hashPassword(parsed.data, c.env.PASSWORD_PEPPER);
  return {
    userId,
    statements: (db) => [
      db.insert(users).values({ id: userId, email: account.email, passwordHash }),
    ],
  };
}
