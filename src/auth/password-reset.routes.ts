/**
 * Password reset by emailed link. Asking answers the same (202) whether or not the email has an
 * account, in about the same time: one database statement and one email either way. The link is
 * valid for an hour and once; using it sets the new password, ends every session of the account
 * in every organisation, and logs nobody in.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { Hono } from "hono";
import { passwordResets, sessions } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { hashPassword } from "../access/password.ts";
import { clearSessionCookie } from "../access/session.ts";
import { withClaims } from "../db/tenant.ts";
import { sendEmail } from "../email/email.ts";
import { passwordResetEmail, passwordResetNoAccountEmail } from "../email/templates.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { AppError } from "../lib/errors.ts";
import { passwordResetBody, passwordResetConfirmBody } from "./auth.schema.ts";
import { appLink } from "./links.ts";

const LINK_LIFETIME_MS = 60 * 60 * 1000;

export const passwordResetRoutes = new Hono<AppEnv>();

passwordResetRoutes.post("/password-reset", validate("json", passwordResetBody), async (c) => {
  const { email } = c.req.valid("json");
  const token = randomToken();
  const tokenHash = await sha256Hex(token);
  const expiresAt = new Date(Date.now() + LINK_LIFETIME_MS).toISOString();

  // One statement either way: store the link only if an account has this email, and say which.
  const [inserted] = await withClaims(c, { tokenHash }, (db) => [
    db.execute<{ token_hash: string }>(sql`
      insert into password_resets (token_hash, user_id, expires_at)
      select ${tokenHash}, account.id, ${expiresAt}::timestamptz
        from (select gallo_user_id_by_email(${email}) as id) account
       where account.id is not null
      returning token_hash`),
  ]);

  const locale = c.get("locale");
  const message =
    inserted.rows.length > 0
      ? passwordResetEmail(email, locale, { link: appLink(c, "/reset-password", { token }) })
      : passwordResetNoAccountEmail(email, locale, { signUpLink: appLink(c, "/sign-up") });
  await sendEmail(c, message);

  return c.json({ status: "reset_sent" }, 202);
});

passwordResetRoutes.post(
  "/password-reset/confirm",
  validate("json", passwordResetConfirmBody),
  async (c) => {
    const body = c.req.valid("json");
    const tokenHash = await sha256Hex(body.token);

    // The users table shows a transaction only the user of its claim, and the claim is not known
    // before the link is read: the second statement claims the link's user, so the third can
    // list that user's organisations (for the audit entries) in the same round trip.
    const [found, , organisations] = await withClaims(c, { tokenHash }, (db) => [
      db.select().from(passwordResets).where(eq(passwordResets.tokenHash, tokenHash)),
      db.execute(sql`
        select set_config('app.user_id', user_id::text, true)
          from password_resets where token_hash = ${tokenHash}`),
      db.execute<{ org_id: string }>(sql`select org_id from gallo_my_organisations()`),
    ]);
    const reset = found[0];
    if (!reset || reset.usedAt || reset.expiresAt <= new Date()) throw new AppError("LINK_INVALID");

    const userId = reset.userId;
    const passwordHash = await hashPassword(body.newPassword, c.env.PASSWORD_PEPPER);
    const orgIds = organisations.rows.map((o) => o.org_id);
    await withClaims(c, { userId, tokenHash }, (db) => [
      // Single use, also under two concurrent requests: the second finds the link used and
      // aborts. A link older than the last password change (another reset, or a change while
      // logged in) changes nothing either, so using one link kills the older ones.
      db.execute(sql`
        with used as (
          update password_resets set used_at = now()
           where token_hash = ${tokenHash} and used_at is null and expires_at > now()
          returning user_id, created_at),
        changed as (
          update users set password_hash = ${passwordHash}, password_changed_at = now()
            from used
           where users.id = used.user_id and users.password_changed_at < used.created_at
          returning users.id)
        select gallo_assert(count(*) = 1, 'GA410', 'password reset link is not valid') from changed`),
      // Every session of the user, in every organisation (the user policy of sessions).
      db
        .update(sessions)
        .set({ revokedAt: new Date() })
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))),
      // The audit log is tenant-scoped: claim each organisation in turn for its entry.
      ...orgIds.flatMap((orgId) => [
        db.execute(sql`select set_config('app.org_id', ${orgId}, true)`),
        auditEntry(db, c, { orgId, actorUserId: userId, action: "auth.password_reset" }),
      ]),
    ]);

    if (c.get("session")?.userId === userId) clearSessionCookie(c);
    return c.body(null, 204);
  },
);
