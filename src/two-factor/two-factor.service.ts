/**
 * The database side of two-factor authentication: statements to put in a route's batch, and the
 * one rule that makes codes single-use. A code is accepted only by the statement that also moves
 * `user_totp.last_step` forward; if another request got there first, that statement aborts the
 * whole batch (session, audit entry and all), so of two concurrent uses of one code exactly one
 * succeeds.
 */
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Context } from "hono";
import { recoveryCodes, sessions, userTotp } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { asMember, type Db, sqlState } from "../db/tenant.ts";
import type { AppEnv, SessionClaims } from "../env.ts";
import { AppError, type ErrorCode } from "../lib/errors.ts";

type Ctx = Context<AppEnv>;

/** Raised by the claim statements when the step or recovery code was already used. */
const CODE_REFUSED = "GA2FA";

/** Lets an owner or admin of an organisation that requires 2FA reach the enrolment routes. */
export const ENROLLING = { enrolling: true } as const;

export function selectTotp(db: Db, userId: string) {
  return db
    .select({
      secretEncrypted: userTotp.secretEncrypted,
      enabledAt: userTotp.enabledAt,
      lastStep: userTotp.lastStep,
    })
    .from(userTotp)
    .where(eq(userTotp.userId, userId));
}

/**
 * Claims time step `step` for `userId`, or aborts the batch: only when the step is later than the
 * last one accepted, and only for the secret the code was checked against (`sealed`).
 *
 * @param enabling true when confirming an enrolment: also turns 2FA on, and only if it was off
 */
export function claimStep(
  db: Db,
  claim: { userId: string; step: number; sealed: string; enabling?: boolean },
) {
  const state = claim.enabling ? sql`enabled_at is null` : sql`enabled_at is not null`;
  const enable = claim.enabling ? sql`, enabled_at = now()` : sql``;
  return db.execute(sql`
    with claimed as (
      update ${userTotp} set last_step = ${claim.step}::bigint ${enable}
       where user_id = ${claim.userId}::uuid
         and secret_encrypted = ${claim.sealed}
         and ${state}
         and (last_step is null or last_step < ${claim.step}::bigint)
      returning 1)
    select gallo_assert(exists (select 1 from claimed), ${CODE_REFUSED}, 'two-factor code refused')`);
}

/** Marks one unused recovery code as used, or aborts the batch. */
export function consumeRecoveryCode(db: Db, userId: string, codeHash: string) {
  return db.execute(sql`
    with used as (
      update ${recoveryCodes} set used_at = now()
       where user_id = ${userId}::uuid and code_hash = ${codeHash} and used_at is null
      returning 1)
    select gallo_assert(exists (select 1 from used), ${CODE_REFUSED}, 'recovery code refused')`);
}

/** Drops every recovery code of the user and stores the new ones' hashes. */
export function replaceRecoveryCodes(db: Db, userId: string, hashes: string[]) {
  return [
    db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
    db.insert(recoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash }))),
  ] as const;
}

/** Ends every session of the user in every organisation except `keep` (the caller's own). */
export function revokeOtherSessions(db: Db, userId: string, keep: string) {
  return db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), ne(sessions.id, keep)));
}

/** The caller of a route behind `requireSession`. */
export function sessionOf(c: Ctx): SessionClaims {
  const session = c.get("session");
  if (!session) throw new AppError("UNAUTHENTICATED");
  return session;
}

export type Failure = { stage: string; reason: "code" | "password" | "recovery_code" };

/**
 * Runs a batch that claims a code; a lost race (the code was used meanwhile) is recorded and
 * answered like a wrong code.
 */
export async function claimOrRefuse<T>(
  c: Ctx,
  failure: Failure,
  batch: () => Promise<T>,
  record: (failure: Failure) => Promise<unknown> = (f) => recordFailure(c, f),
): Promise<T> {
  try {
    return await batch();
  } catch (error) {
    if (sqlState(error) !== CODE_REFUSED) throw error;
    await record(failure);
    throw new AppError("TWO_FACTOR_CODE_INVALID", { cause: error });
  }
}

/** Records `auth.2fa_failed` for the signed-in caller, then throws `code`. */
export async function refuse(
  c: Ctx,
  failure: Failure,
  code: ErrorCode = "TWO_FACTOR_CODE_INVALID",
): Promise<never> {
  await recordFailure(c, failure);
  throw new AppError(code);
}

function recordFailure(c: Ctx, failure: Failure) {
  return asMember(
    c,
    "viewer",
    (db, { orgId, userId }) => [
      auditEntry(db, c, {
        orgId,
        actorUserId: userId,
        action: "auth.2fa_failed",
        summary: failure,
      }),
    ],
    ENROLLING,
  );
}
