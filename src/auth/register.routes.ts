/**
 * Sign-up with email verification. Step one answers the same (202) whether or not the email has an
 * account, in about the same time: a bcrypt hash, one database round trip and one email either
 * way. Only step two, which proves control of the mailbox, creates anything.
 */
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { memberships, organisations, pendingRegistrations, users } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { hashPassword } from "../access/password.ts";
import { sqlState, withClaims } from "../db/tenant.ts";
import { sendEmail } from "../email/email.ts";
import { accountExistsEmail, verifyRegistrationEmail } from "../email/templates.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { pickDisplayLocale } from "../lib/display-locale.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { createDefaultPipeline } from "../pipelines/default-pipeline.ts";
import { confirmBody, registerBody } from "./auth.schema.ts";
import { appLink } from "./links.ts";
import { deliverSession, newSession } from "./start-session.ts";

const LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;

export const registerRoutes = new Hono<AppEnv>();

registerRoutes.post("/register", validate("json", registerBody), async (c) => {
  const body = c.req.valid("json");
  const passwordHash = await hashPassword(body.password, c.env.PASSWORD_PEPPER);
  const token = randomToken();
  const tokenHash = await sha256Hex(token);
  const expiresAt = new Date(Date.now() + LINK_LIFETIME_MS).toISOString();

  // One statement: store the sign-up only if no account has this email, and say which it was.
  const [inserted] = await withClaims(c, { tokenHash }, (db) => [
    db.execute<{ token_hash: string }>(sql`
      insert into ${pendingRegistrations}
        (token_hash, email, organisation_name, password_hash, expires_at)
      select ${tokenHash}, ${body.email}, ${body.organisationName}, ${passwordHash}, ${expiresAt}::timestamptz
       where gallo_user_id_by_email(${body.email}) is null
      returning token_hash`),
  ]);

  const locale = c.get("locale");
  const email =
    inserted.rows.length > 0
      ? verifyRegistrationEmail(body.email, locale, {
          link: appLink(c, "/verify-email", { token }),
          organisation: body.organisationName,
        })
      : accountExistsEmail(body.email, locale, {
          loginLink: appLink(c, "/login"),
          resetLink: appLink(c, "/forgot-password"),
        });
  await sendEmail(c, email);

  return c.json({ status: "verification_sent" }, 202);
});

registerRoutes.post("/register/confirm", validate("json", confirmBody), async (c) => {
  const tokenHash = await sha256Hex(c.req.valid("json").token);

  const [found] = await withClaims(c, { tokenHash }, (db) => [
    db.select().from(pendingRegistrations).where(sql`token_hash = ${tokenHash}`),
  ]);
  const pending = found[0];
  if (!pending || pending.completedAt || pending.expiresAt < new Date()) {
    throw new AppError("LINK_INVALID");
  }

  const orgId = newId();
  const userId = newId();
  const session = newSession(c, { orgId, userId });
  // The organisation's own language (its default pipeline's names) is the one it signed up in.
  const locale = pickDisplayLocale(c.req.header("accept-language"));
  try {
    await withClaims(c, { orgId, userId, tokenHash }, (db) => [
      // Single use, also under two concurrent clicks: the second finds it completed and aborts.
      db.execute(sql`
        with used as (
          update ${pendingRegistrations} set completed_at = now()
           where token_hash = ${tokenHash} and completed_at is null and expires_at > now()
          returning 1)
        select gallo_assert(count(*) = 1, 'GA410', 'registration link already used') from used`),
      db.insert(organisations).values({
        id: orgId,
        name: pending.organisationName,
        locale,
        // A sign-up in Portugal's Portuguese starts Portuguese: phones, tax ids and "today".
        ...(locale === "pt-PT" ? { region: "PT", timezone: "Europe/Lisbon" } : {}),
      }),
      db
        .insert(users)
        .values({ id: userId, email: pending.email, passwordHash: pending.passwordHash }),
      db.insert(memberships).values({ orgId, userId, role: "owner" }),
      ...createDefaultPipeline(db, orgId, locale),
      session.insert(db),
      auditEntry(db, c, { orgId, actorUserId: userId, action: "auth.registered" }),
    ]);
  } catch (error) {
    // Two sign-ups for one email, both confirmed: the second finds the account made.
    if (sqlState(error) === "23505") throw new AppError("EMAIL_TAKEN", { cause: error });
    throw error;
  }

  const csrfToken = await deliverSession(c, session.claims);
  return c.json(
    {
      user: { id: userId, email: pending.email },
      organisation: { id: orgId, name: pending.organisationName },
      role: "owner",
      csrfToken,
    },
    201,
  );
});
