/**
 * The audit log is append-only for the runtime role gallo_app, which the Worker connects as: it
 * may add entries for the organisation it claims and read them, and every other way of changing
 * the log, its trigger, its policies or its functions is refused by Postgres itself (SQLSTATE
 * 42501), with the organisation's own claim set. The chain is read as the owner before and after.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  asClaim,
  chainOf,
  client,
  failureOf,
  insertEntry,
  newOrganisation,
  type Org,
  urls,
  writeEntries,
} from "./pg.ts";

let runtime: pg.Client;
let owner: pg.Client;

beforeAll(async () => {
  [runtime, owner] = await Promise.all([client(urls.runtime()), client(urls.owner())]);
});

afterAll(async () => {
  await Promise.all([runtime.end(), owner.end()]);
});

/** Attempts on the organisation's own log; `$1` is its id where a statement names it. */
const ATTEMPTS: { attempt: string; statement: string }[] = [
  { attempt: "UPDATE an entry", statement: "update audit_log set action = 'x' where org_id = $1" },
  {
    attempt: "UPDATE the chain columns",
    statement: "update audit_log set hash = '' where org_id = $1",
  },
  { attempt: "DELETE its entries", statement: "delete from audit_log where org_id = $1" },
  { attempt: "TRUNCATE the table (which ignores RLS)", statement: "truncate audit_log" },
  {
    attempt: "DISABLE the chain trigger",
    statement: "alter table audit_log disable trigger audit_log_chain",
  },
  { attempt: "DISABLE every trigger", statement: "alter table audit_log disable trigger all" },
  { attempt: "DROP the chain trigger", statement: "drop trigger audit_log_chain on audit_log" },
  {
    attempt: "add a trigger of its own",
    statement:
      "create trigger intruder before insert on audit_log for each row execute function gallo_audit_chain()",
  },
  { attempt: "DROP TABLE", statement: "drop table audit_log" },
  { attempt: "rename the table", statement: "alter table audit_log rename to audit_log_old" },
  {
    attempt: "lift FORCE row level security",
    statement: "alter table audit_log no force row level security",
  },
  { attempt: "DROP a policy", statement: "drop policy audit_log_tenant_select on audit_log" },
  {
    attempt: "add a policy that lets it update",
    statement: "create policy open_door on audit_log for update using (true)",
  },
  {
    attempt: "replace the chain function",
    statement:
      "create or replace function gallo_audit_chain() returns trigger language plpgsql as $$ begin return new; end $$",
  },
  {
    attempt: "replace the verification",
    statement:
      "create or replace function gallo_audit_verify() returns bigint language sql as $$ select null::bigint $$",
  },
  { attempt: "DROP the purge function", statement: "drop function gallo_audit_purge(interval)" },
  {
    attempt: "skip triggers for its session (session_replication_role)",
    statement: "set session_replication_role = replica",
  },
];

describe("the audit log, as the runtime role gallo_app", () => {
  it.each(ATTEMPTS)(
    "may not $attempt (42501), and the entries stay as they were",
    async ({ statement }) => {
      const org = await orgWithEntries();
      const before = await chainOf(owner, org.orgId);

      const failure = await failureOf(() =>
        asClaim(runtime, org, [[statement, statement.includes("$1") ? [org.orgId] : []]]),
      );

      expect(failure).toBe("42501");
      expect(await chainOf(owner, org.orgId)).toEqual(before);
    },
  );

  it("may not INSERT an entry for another organisation (42501), nor touch that chain", async () => {
    const [mine, theirs] = [await orgWithEntries(), await orgWithEntries()];
    const before = await chainOf(owner, theirs.orgId);

    const failure = await failureOf(() =>
      asClaim(runtime, mine, [
        [insertEntry, [crypto.randomUUID(), theirs.orgId, mine.userId, "x"]],
      ]),
    );

    expect(failure).toBe("42501");
    expect(await chainOf(owner, theirs.orgId)).toEqual(before);
  });

  it("may not INSERT an entry without claiming an organisation (42501)", async () => {
    const org = await orgWithEntries();

    const failure = await failureOf(() =>
      asClaim(runtime, {}, [[insertEntry, [crypto.randomUUID(), org.orgId, org.userId, "x"]]]),
    );

    expect(failure).toBe("42501");
  });

  it("may INSERT and read its own organisation's entries, and sees no other's", async () => {
    const [mine, theirs] = [await orgWithEntries(), await orgWithEntries()];

    const [rows] = await asClaim(runtime, mine, [
      [
        "select distinct org_id from audit_log where org_id = any($1)",
        [[mine.orgId, theirs.orgId]],
      ],
    ]);

    expect(rows).toEqual([{ org_id: mine.orgId }]);
  });

  it("cannot take the log down with its organisation: deleting the organisation is refused", async () => {
    const org = await orgWithEntries();
    const before = await chainOf(owner, org.orgId);

    const failure = await failureOf(() =>
      asClaim(runtime, org, [
        ["delete from memberships where org_id = $1", [org.orgId]],
        ["delete from organisations where id = $1", [org.orgId]],
      ]),
    );

    // The foreign key restricts instead of cascading, so the log outlives nothing it describes.
    expect(failure).toBe("23503");
    expect(await chainOf(owner, org.orgId)).toEqual(before);
  });

  it("cannot call the chain's trigger function directly (0A000)", async () => {
    const org = await orgWithEntries();

    const failure = await failureOf(() => asClaim(runtime, org, [["select gallo_audit_chain()"]]));

    expect(failure).toBe("0A000");
  });

  it.each(["0 days", "29 days 23 hours", "-400 days", "4 weeks"])(
    "may not purge entries younger than 30 days: gallo_audit_purge('%s') is refused (22023)",
    async (interval) => {
      const org = await orgWithEntries();
      const before = await chainOf(owner, org.orgId);

      const failure = await failureOf(() =>
        asClaim(runtime, {}, [["select gallo_audit_purge($1::interval)", [interval]]]),
      );

      expect(failure).toBe("22023");
      expect(await chainOf(owner, org.orgId)).toEqual(before);
    },
  );
});

async function orgWithEntries(): Promise<Org> {
  const org = await newOrganisation(runtime);
  await writeEntries(runtime, org, ["auth.registered", "auth.login", "member.invited"]);
  return org;
}
