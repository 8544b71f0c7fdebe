/**
 * Statements about memberships, to put in a request's batch. The rules that concurrent requests
 * could otherwise break are checked by the database inside the batch (`gallo_assert`), after the
 * organisation's row is locked, so two membership changes of one organisation take turns and
 * each sees the other's result.
 */
import { sql } from "drizzle-orm";
import type { Role } from "../../drizzle/schema.ts";
import { ROLE_RANKS } from "../access/roles.ts";
import { type Db, sqlState } from "../db/tenant.ts";
import { AppError, type ErrorCode } from "../lib/errors.ts";

export type Member = { id: string; email: string; role: Role; joinedAt: string };

type MemberRow = { user_id: string; email: string; role: Role; joined_at: string };

/** SQLSTATEs raised by the assertions below, and the API errors they become. */
const STATES = {
  GAO01: "LAST_OWNER",
  GAC01: "CONFLICT",
  GAM01: "ALREADY_MEMBER",
} as const satisfies Record<string, ErrorCode>;

/**
 * The claimed organisation's members with their emails, through `gallo_org_members()` (users
 * are otherwise visible only to themselves); only those in `userIds` when given.
 */
export function listMembers({ db, userIds }: { db: Db; userIds?: string[] }) {
  const only = userIds
    ? sql`where user_id in (${sql.join(
        userIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  return db.execute<MemberRow>(sql`
    select user_id, email, role,
           to_char(joined_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as joined_at
      from gallo_org_members() ${only}`);
}

export function toMember(row: MemberRow): Member {
  return { id: row.user_id, email: row.email, role: row.role, joinedAt: row.joined_at };
}

/**
 * Locks the organisation's row until the batch ends: membership changes of one organisation run
 * one after the other, so a count of owners taken after the lock includes every earlier change.
 */
export function lockOrganisation({ db, orgId }: { db: Db; orgId: string }) {
  return db.execute(sql`select id from organisations where id = ${orgId}::uuid for update`);
}

/**
 * Checks again, after the lock, that the caller still has `minimum` or a stronger role:
 * `gallo_begin` checked it before a concurrent change could have demoted them.
 */
export function assertStillAtLeast(params: {
  db: Db;
  orgId: string;
  userId: string;
  minimum: Role;
}) {
  const allowed = ROLE_RANKS.slice(ROLE_RANKS.indexOf(params.minimum));
  return params.db.execute(sql`
    select gallo_assert(exists (
      select 1 from memberships
       where org_id = ${params.orgId}::uuid and user_id = ${params.userId}::uuid
         and role in (${sql.join(
           allowed.map((r) => sql`${r}`),
           sql`, `,
         )})), 'GA403', 'the caller''s role changed')`);
}

/** Changes a member's role, only if it is still `from` (else CONFLICT). */
export function changeRole(params: {
  db: Db;
  orgId: string;
  userId: string;
  from: Role;
  to: Role;
}) {
  return params.db.execute(sql`
    with changed as (
      update memberships set role = ${params.to}
       where org_id = ${params.orgId}::uuid and user_id = ${params.userId}::uuid
         and role = ${params.from}
      returning 1)
    select gallo_assert(count(*) = 1, 'GAC01', 'the membership changed meanwhile') from changed`);
}

/** Removes a member, only if their role is still `role` (else CONFLICT). */
export function deleteMembership(params: { db: Db; orgId: string; userId: string; role: Role }) {
  return params.db.execute(sql`
    with removed as (
      delete from memberships
       where org_id = ${params.orgId}::uuid and user_id = ${params.userId}::uuid
         and role = ${params.role}
      returning 1)
    select gallo_assert(count(*) = 1, 'GAC01', 'the membership changed meanwhile') from removed`);
}

/** Aborts the batch (LAST_OWNER) if the organisation would be left without an owner. */
export function assertOwnerRemains({ db, orgId }: { db: Db; orgId: string }) {
  return db.execute(sql`
    select gallo_assert(exists (
      select 1 from memberships where org_id = ${orgId}::uuid and role = 'owner'),
      'GAO01', 'an organisation needs an owner')`);
}

/** Aborts the batch (ALREADY_MEMBER) if someone with `email` is a member of the organisation. */
export function assertNotMember({ db, email }: { db: Db; email: string }) {
  return db.execute(sql`
    select gallo_assert(not exists (select 1 from gallo_org_members() where email = ${email}),
      'GAM01', 'already a member')`);
}

/** Awaits a batch of membership statements, turning their assertions into API errors. */
export async function membershipChange<T>(batch: Promise<T>): Promise<T> {
  try {
    return await batch;
  } catch (error) {
    const state = sqlState(error);
    if (state && state in STATES) {
      throw new AppError(STATES[state as keyof typeof STATES], { cause: error });
    }
    throw error;
  }
}
