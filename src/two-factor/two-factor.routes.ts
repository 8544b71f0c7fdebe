/**
 * Two-factor authentication of the signed-in user: enrol (start, then confirm with a code), turn
 * it off (password and a code or recovery code), regenerate recovery codes. The login challenge is in
 * verify.routes.ts. Turning 2FA on or off ends the user's other sessions.
 */
import { eq, isNull } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { recoveryCodes, users, userTotp } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { verifyPassword } from "../access/password.ts";
import { requireSession } from "../access/session.ts";
import { asMember, type Db } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { hashRecoveryCode, newRecoveryCodes } from "./recovery-codes.ts";
import { openSecret, sealSecret } from "./secret-box.ts";
import { enrolmentOffer, matchingStep, newTotpSecret } from "./totp.ts";
import { confirmBody, disableBody, regenerateBody } from "./two-factor.schema.ts";
import {
  claimOrRefuse,
  claimStep,
  consumeRecoveryCode,
  ENROLLING,
  refuse,
  replaceRecoveryCodes,
  revokeOtherSessions,
  selectTotp,
  sessionOf,
} from "./two-factor.service.ts";
import { verifyRoutes } from "./verify.routes.ts";

export const twoFactorRoutes = new Hono<AppEnv>();

twoFactorRoutes.route("/", verifyRoutes);

/** Starts (or restarts) enrolment: a new secret, pending until confirmed with a code. */
twoFactorRoutes.post("/enrol", requireSession, async (c) => {
  const { userId } = sessionOf(c);
  const secret = newTotpSecret();
  const sealed = await sealSecret(c.env.TOTP_ENCRYPTION_KEY, userId, secret);

  const [pending, me] = await asMember(
    c,
    "viewer",
    (db) => [
      // Replaces a pending secret, never an enabled one.
      db
        .insert(userTotp)
        .values({ userId, secretEncrypted: sealed })
        .onConflictDoUpdate({
          target: userTotp.userId,
          set: { secretEncrypted: sealed, lastStep: null, createdAt: new Date() },
          setWhere: isNull(userTotp.enabledAt),
        })
        .returning({ userId: userTotp.userId }),
      db.select({ email: users.email }).from(users).where(eq(users.id, userId)),
    ],
    ENROLLING,
  );
  if (pending.length === 0) throw new AppError("TWO_FACTOR_ALREADY_ENABLED");

  return c.json(enrolmentOffer(secret, me[0]?.email ?? userId));
});

/** Turns 2FA on with a code from the new secret; answers the ten recovery codes, once. */
twoFactorRoutes.post("/enrol/confirm", requireSession, validate("json", confirmBody), async (c) => {
  const { code } = c.req.valid("json");
  const { userId } = sessionOf(c);

  const [rows] = await asMember(c, "viewer", (db) => [selectTotp(db, userId)], ENROLLING);
  const totp = rows[0];
  if (!totp) throw new AppError("TWO_FACTOR_NOT_ENABLED");
  if (totp.enabledAt) throw new AppError("TWO_FACTOR_ALREADY_ENABLED");

  const secret = await openSecret(c.env.TOTP_ENCRYPTION_KEY, userId, totp.secretEncrypted);
  const step = await matchingStep({ secret, code, afterStep: totp.lastStep });
  if (step === undefined) return refuse(c, { stage: "enrol", reason: "code" });

  const codes = newRecoveryCodes();
  const hashes = await Promise.all(codes.map(hashRecoveryCode));
  const sealed = totp.secretEncrypted;
  await claimOrRefuse(c, { stage: "enrol", reason: "code" }, () =>
    asMember(
      c,
      "viewer",
      (db, { orgId, sessionId }) => [
        claimStep(db, { userId, step, sealed, enabling: true }),
        ...replaceRecoveryCodes(db, userId, hashes),
        revokeOtherSessions(db, userId, sessionId),
        auditEntry(db, c, { orgId, actorUserId: userId, action: "auth.2fa_enabled" }),
      ],
      ENROLLING,
    ),
  );

  return c.json({ recoveryCodes: codes });
});

/** Turns 2FA off: needs the password and a current code, and ends the other sessions. */
twoFactorRoutes.post("/disable", requireSession, validate("json", disableBody), async (c) => {
  const body = c.req.valid("json");
  const { userId } = sessionOf(c);

  const [rows, me] = await asMember(c, "viewer", (db) => [
    selectTotp(db, userId),
    db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)),
  ]);
  const totp = rows[0];
  if (!totp?.enabledAt) throw new AppError("TWO_FACTOR_NOT_ENABLED");

  const pepper = c.env.PASSWORD_PEPPER;
  if (!(await verifyPassword(body.password, me[0]?.passwordHash, pepper))) {
    return refuse(c, { stage: "disable", reason: "password" }, "INVALID_CREDENTIALS");
  }
  const secondFactor = await disableProof(c, body, totp);
  if (!secondFactor) return refuse(c, { stage: "disable", reason: "code" });

  await claimOrRefuse(c, { stage: "disable", reason: "code" }, () =>
    asMember(c, "viewer", (db, { orgId, sessionId }) => [
      secondFactor(db),
      db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
      db.delete(userTotp).where(eq(userTotp.userId, userId)),
      revokeOtherSessions(db, userId, sessionId),
      auditEntry(db, c, {
        orgId,
        actorUserId: userId,
        action: "auth.2fa_disabled",
        summary: { with: body.recoveryCode ? "recovery_code" : "code" },
      }),
    ]),
  );

  return c.body(null, 204);
});

/**
 * The statement that spends the second factor offered to /disable (a code's time step, or a
 * recovery code), or undefined when the code is wrong.
 */
async function disableProof(
  c: Context<AppEnv>,
  body: { code?: string; recoveryCode?: string },
  totp: { secretEncrypted: string; lastStep: number | null },
): Promise<((db: Db) => ReturnType<typeof claimStep>) | undefined> {
  const { userId } = sessionOf(c);
  if (body.recoveryCode) {
    const codeHash = await hashRecoveryCode(body.recoveryCode);
    return (db) => consumeRecoveryCode(db, userId, codeHash);
  }
  const secret = await openSecret(c.env.TOTP_ENCRYPTION_KEY, userId, totp.secretEncrypted);
  const step = await matchingStep({ secret, code: body.code ?? "", afterStep: totp.lastStep });
  if (step === undefined) return undefined;
  const sealed = totp.secretEncrypted;
  return (db) => claimStep(db, { userId, step, sealed });
}

/** New recovery codes (the old ones stop working), proven by the password or a current code. */
twoFactorRoutes.post(
  "/recovery-codes",
  requireSession,
  validate("json", regenerateBody),
  async (c) => {
    const body = c.req.valid("json");
    const { userId } = sessionOf(c);

    const [rows, me] = await asMember(c, "viewer", (db) => [
      selectTotp(db, userId),
      db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)),
    ]);
    const totp = rows[0];
    if (!totp?.enabledAt) throw new AppError("TWO_FACTOR_NOT_ENABLED");

    const failure = { stage: "recovery_codes", reason: body.code ? "code" : "password" } as const;
    let step: number | undefined;
    if (body.code !== undefined) {
      const secret = await openSecret(c.env.TOTP_ENCRYPTION_KEY, userId, totp.secretEncrypted);
      step = await matchingStep({ secret, code: body.code, afterStep: totp.lastStep });
      if (step === undefined) return refuse(c, failure);
    } else {
      const ok = await verifyPassword(
        body.password ?? "",
        me[0]?.passwordHash,
        c.env.PASSWORD_PEPPER,
      );
      if (!ok) return refuse(c, failure, "INVALID_CREDENTIALS");
    }

    const codes = newRecoveryCodes();
    const hashes = await Promise.all(codes.map(hashRecoveryCode));
    const sealed = totp.secretEncrypted;
    await claimOrRefuse(c, failure, () =>
      asMember(c, "viewer", (db, { orgId }) => [
        ...replaceRecoveryCodes(db, userId, hashes),
        // After the codes, so that the batch starts with a statement on either path; the claim
        // still aborts the whole transaction if the code was used meanwhile.
        ...(step === undefined ? [] : [claimStep(db, { userId, step, sealed })]),
        auditEntry(db, c, {
          orgId,
          actorUserId: userId,
          action: "auth.2fa_recovery_codes_regenerated",
          summary: { provedWith: failure.reason },
        }),
      ]),
    );

    return c.json({ recoveryCodes: codes });
  },
);
