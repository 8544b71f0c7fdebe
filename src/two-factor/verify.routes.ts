/**
 * The second step of a login with 2FA: the challenge cookie set by POST /auth/login and a code
 * from the app (or a recovery code) open the session, exactly as a login without 2FA does. The
 * path is rate limited per IP in src/index.ts, and per account here.
 */
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { users } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { rules } from "../access/rate-limit.rules.ts";
import { limitAccount } from "../access/rate-limit.ts";
import { deliverSession, newSession } from "../auth/start-session.ts";
import { type Db, withClaims } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { type Challenge, clearChallenge, readChallenge } from "./challenge.ts";
import { hashRecoveryCode } from "./recovery-codes.ts";
import { openSecret } from "./secret-box.ts";
import { matchingStep } from "./totp.ts";
import { verifyBody } from "./two-factor.schema.ts";
import {
  claimOrRefuse,
  claimStep,
  consumeRecoveryCode,
  type Failure,
  selectTotp,
} from "./two-factor.service.ts";

export const verifyRoutes = new Hono<AppEnv>();

verifyRoutes.post("/verify", validate("json", verifyBody), async (c) => {
  const body = c.req.valid("json");

  const challenge = await readChallenge(c);
  if (!challenge) throw new AppError("UNAUTHENTICATED");
  const { userId, orgId } = challenge;
  // Per account, after the challenge is verified: a forged cookie cannot spend a victim's budget,
  // and many addresses together still get only 10 guesses at one user's codes per 15 minutes.
  await limitAccount(c, rules.twoFactorVerify, `user:${userId}`);

  const [rows, me] = await withClaims(c, { orgId, userId }, (db) => [
    selectTotp(db, userId),
    db.select({ email: users.email }).from(users).where(eq(users.id, userId)),
  ]);
  const totp = rows[0];
  // 2FA was turned off since the password step: the challenge no longer stands for anything.
  if (!totp?.enabledAt) throw new AppError("UNAUTHENTICATED");

  const failure: Failure = {
    stage: "login",
    reason: body.code !== undefined ? "code" : "recovery_code",
  };
  let claim: (db: Db) => ReturnType<typeof claimStep>;
  if (body.code !== undefined) {
    const secret = await openSecret(c.env.TOTP_ENCRYPTION_KEY, userId, totp.secretEncrypted);
    const step = await matchingStep({ secret, code: body.code, afterStep: totp.lastStep });
    if (step === undefined) return refuseLogin(c, challenge, failure);
    const sealed = totp.secretEncrypted;
    claim = (db) => claimStep(db, { userId, step, sealed });
  } else {
    const codeHash = await hashRecoveryCode(body.recoveryCode ?? "");
    claim = (db) => consumeRecoveryCode(db, userId, codeHash);
  }

  const session = newSession(c, { orgId, userId });
  const method = failure.reason;
  await claimOrRefuse(
    c,
    failure,
    () =>
      withClaims(c, { orgId, userId }, (db) => [
        claim(db),
        session.insert(db),
        auditEntry(db, c, {
          orgId,
          actorUserId: userId,
          action: "auth.login",
          summary: { twoFactor: true, method },
        }),
        ...(method === "recovery_code"
          ? [
              auditEntry(db, c, {
                orgId,
                actorUserId: userId,
                action: "auth.2fa_recovery_code_used",
              }),
            ]
          : []),
      ]),
    (f) => recordLoginFailure(c, challenge, f),
  );

  clearChallenge(c);
  const csrfToken = await deliverSession(c, session.claims);
  return c.json({
    user: { id: userId, email: me[0]?.email },
    organisation: { id: orgId },
    csrfToken,
  });
});

async function refuseLogin(
  c: Parameters<typeof auditEntry>[1],
  challenge: Challenge,
  failure: Failure,
): Promise<never> {
  await recordLoginFailure(c, challenge, failure);
  throw new AppError("TWO_FACTOR_CODE_INVALID");
}

/** `auth.2fa_failed`, charged to the account whose password step passed. */
function recordLoginFailure(
  c: Parameters<typeof auditEntry>[1],
  { userId, orgId, challengeId }: Challenge,
  failure: Failure,
) {
  return withClaims(c, { orgId, userId }, (db) => [
    auditEntry(db, c, {
      orgId,
      actorUserId: userId,
      action: "auth.2fa_failed",
      targetType: "user",
      targetId: userId,
      summary: { ...failure, challengeId },
    }),
  ]);
}
