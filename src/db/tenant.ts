/**
 * The one way into the database. Every statement a request makes runs in a single Neon HTTP batch
 * (one transaction, one round trip) whose first statement sets the tenant claims:
 * - `asMember`: the verified session's organisation; `gallo_begin` also proves the session is live
 *   and the caller's role is strong enough, inside the same transaction.
 * - `withClaims`: explicit claims, for the flows that create them (registration, login).
 * - `lookupLogin`: the narrow pre-login read by email, through a SECURITY DEFINER function.
 * - `asSystem`: no claim at all, for scheduled jobs that call their SECURITY DEFINER functions.
 */

import { sql } from "drizzle-orm";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { Context } from "hono";
import type { Role } from "../../drizzle/schema.ts";
import type { AppEnv, Bindings, SessionClaims } from "../env.ts";
import { AppError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { type Db, database } from "./client.ts";
import { ensureSafeDatabase } from "./safety.ts";

type Statements = readonly [BatchItem<"pg">, ...BatchItem<"pg">[]];
type Ctx = Context<AppEnv>;

export type { Db };

export type MemberOptions = {
  /**
   * Lets an owner or admin whose organisation requires 2FA, and who has none yet, through
   * (otherwise refused with 428). Only for the routes such a user needs before anything else:
   * enrolment, who am I, logout.
   */
  enrolling?: boolean;
};

/**
 * Runs `build`'s statements as the session's organisation, after checking in the same transaction
 * that the session is live and that the caller's role is at least `minRole`.
 */
export async function asMember<T extends Statements>(
  c: Ctx,
  minRole: Role,
  build: (db: Db, claims: SessionClaims) => T,
  options: MemberOptions = {},
): Promise<BatchResponse<T>> {
  const claims = c.get("session");
  if (!claims) throw new AppError("UNAUTHENTICATED");

  const db = await open(c);
  const idle = Number(c.env.SESSION_IDLE_SECONDS);
  const enrolling = options.enrolling === true;
  const begin = db.execute(
    sql`select gallo_begin(${claims.orgId}::uuid, ${claims.userId}::uuid, ${claims.sessionId}::uuid, ${minRole}, ${idle}::int, ${enrolling}::boolean)`,
  );
  try {
    const results = await run(db.batch([begin, ...build(db, claims)]));
    return results.slice(1) as BatchResponse<T>;
  } catch (error) {
    // The session row itself was refused (revoked, idle, expired): the cookie is dead, and
    // readSession removes it. Other 401s (a wrong code, a wrong password) leave it alone.
    // Before the batch, only gallo_begin (GA401, translated by run) answers UNAUTHENTICATED.
    if (error instanceof AppError && error.code === "UNAUTHENTICATED") {
      c.set("sessionRejected", true);
    }
    throw error;
  }
}

export type Claims = { orgId?: string; userId?: string; tokenHash?: string };

/**
 * Runs `build`'s statements with the given claims set, for flows that have no session yet:
 * registration, login, and email links (which claim the hash of the token they carry).
 */
export async function withClaims<T extends Statements>(
  c: Ctx,
  claims: Claims,
  build: (db: Db) => T,
): Promise<BatchResponse<T>> {
  const db = await open(c);
  const begin = db.execute(
    sql`select set_config('app.org_id', ${claims.orgId ?? ""}, true),
               set_config('app.user_id', ${claims.userId ?? ""}, true),
               set_config('app.token_hash', ${claims.tokenHash ?? ""}, true)`,
  );
  const results = await run(db.batch([begin, ...build(db)]));
  return results.slice(1) as BatchResponse<T>;
}

/**
 * Runs `build`'s statements for a scheduled job, with every claim empty: tenant tables then show
 * and accept nothing, so a job acts only through the SECURITY DEFINER functions made for it
 * (e.g. `gallo_audit_purge`).
 */
export async function asSystem<T extends Statements>(
  env: Bindings,
  logger: Logger,
  build: (db: Db) => T,
): Promise<BatchResponse<T>> {
  await ensureSafeDatabase(env, logger);
  const db = database(env);
  const begin = db.execute(
    sql`select set_config('app.org_id', '', true), set_config('app.user_id', '', true),
               set_config('app.token_hash', '', true)`,
  );
  const results = await run(db.batch([begin, ...build(db)]));
  return results.slice(1) as BatchResponse<T>;
}

export type LoginRecord = {
  userId: string;
  passwordHash: string;
  orgId: string | null;
  totpEnabled: boolean;
};

/** The account behind a normalised email, if any, with what a password check needs. */
export async function lookupLogin(c: Ctx, email: string): Promise<LoginRecord | undefined> {
  const db = await open(c);
  const result = await run(
    db.execute<{
      user_id: string;
      password_hash: string;
      org_id: string | null;
      totp_enabled: boolean;
    }>(sql`select user_id, password_hash, org_id, totp_enabled from gallo_login_lookup(${email})`),
  );
  const row = result.rows[0];
  return (
    row && {
      userId: row.user_id,
      passwordHash: row.password_hash,
      orgId: row.org_id,
      totpEnabled: row.totp_enabled,
    }
  );
}

/** Proves the database answers (used by /health). */
export async function pingDatabase(c: Ctx): Promise<void> {
  const db = await open(c);
  await run(db.execute(sql`select 1`));
}

/**
 * The nightly purge: deletes for good, in every organisation, what was trashed longer ago than
 * `olderThanDays` (at least 30; the SECURITY DEFINER function `gallo_purge_trash` refuses less).
 * No request, so no claims: the function is the one door across organisations, for this job only.
 */
export async function purgeTrash(
  env: Bindings,
  logger: Logger,
  olderThanDays: number,
): Promise<Record<string, number>> {
  await ensureSafeDatabase(env, logger);
  const result = await run(
    database(env).execute<{ kind: string; purged: string }>(
      sql`select kind, purged from gallo_purge_trash(make_interval(days => ${olderThanDays}::int))`,
    ),
  );
  return Object.fromEntries(result.rows.map((r) => [r.kind, Number(r.purged)]));
}

async function open(c: Ctx): Promise<Db> {
  await ensureSafeDatabase(c.env, c.get("logger"));
  return database(c.env);
}

/** Turns driver failures into API errors; SQLSTATEs raised by gallo_begin become 401/403. */
async function run<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw translate(error);
  }
}

export function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function translate(error: unknown): unknown {
  const state = sqlState(error);
  if (state === "GA401") return new AppError("UNAUTHENTICATED", { cause: error });
  if (state === "GA403") return new AppError("FORBIDDEN", { cause: error });
  if (state === "GA410") return new AppError("LINK_INVALID", { cause: error });
  if (state === "GA428") return new AppError("TWO_FACTOR_REQUIRED", { cause: error });
  if (state ? UNAVAILABLE_STATE.test(state) : unreachable(error)) {
    return new AppError("DATABASE_UNAVAILABLE", { cause: error });
  }
  // Data exceptions (class 22: a value Postgres cannot read as its type, out of range, bytes that
  // are not UTF-8) come from input the schemas let through, e.g. an edited list cursor: the
  // request is bad, not the server.
  if (state?.startsWith("22")) return new AppError("VALIDATION_FAILED", { cause: error });
  return error;
}

/**
 * SQLSTATEs of a database that cannot serve right now, not of a bad statement: connection
 * exceptions (08), too many connections (53300), shutting down or starting up (57P01-57P03).
 */
const UNAVAILABLE_STATE = /^(08...|53300|57P0[123])$/;

/**
 * No SQLSTATE: the driver could not reach the endpoint ("Error connecting to database", "fetch
 * failed"), or the endpoint answered 5xx because it could not reach Postgres ("Server error (HTTP
 * status 5xx)"). A Postgres error always comes back as a 400 with its SQLSTATE.
 */
function unreachable(error: unknown): boolean {
  // drizzle wraps the driver's error ("Failed query: ..."), so the cause chain is searched.
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/connecting to database|fetch failed|Server error \(HTTP status 5\d\d\)/i.test(e.message)) {
      return true;
    }
  }
  return false;
}
