/**
 * The database's security posture, read from the catalog with `pg` (Node): what the runtime role
 * may do, what protects every table, and the few SECURITY DEFINER doors that answer before any
 * organisation is known.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const RUNTIME = "gallo_app";

/** Inputs that would match many accounts if an email were ever compared with LIKE or spliced in. */
const PATTERNS = ["%", "%@example.com", "lookup-%", "_%", "' or '1'='1", ""];

let superuser: pg.Client;
let runtime: pg.Client;

beforeAll(async () => {
  superuser = new pg.Client({ connectionString: inject("superuserUrl") });
  runtime = new pg.Client({ connectionString: inject("databaseUrl") });
  await Promise.all([superuser.connect(), runtime.connect()]);
});

afterAll(async () => {
  await Promise.all([superuser.end(), runtime.end()]);
});

describe("the runtime role gallo_app", () => {
  it("can log in and has no elevated attribute", async () => {
    const { rows } = await superuser.query(
      `select rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolreplication
         from pg_roles where rolname = $1`,
      [RUNTIME],
    );

    expect(rows).toEqual([
      {
        rolcanlogin: true,
        rolsuper: false,
        rolbypassrls: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolreplication: false,
      },
    ]);
  });

  it("is a member of no other role", async () => {
    // Membership would let it SET ROLE to the owner, even with NOINHERIT.
    const { rows } = await superuser.query(
      `select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid
        where m.member = (select oid from pg_roles where rolname = $1)`,
      [RUNTIME],
    );

    expect(rows).toEqual([]);
  });

  it("owns no relation, function, schema or database", async () => {
    const { rows } = await superuser.query(
      `with me as (select oid from pg_roles where rolname = $1)
       select 'relation ' || oid::regclass::text as what from pg_class where relowner = (table me)
       union all select 'function ' || oid::regprocedure::text from pg_proc where proowner = (table me)
       union all select 'schema ' || nspname from pg_namespace where nspowner = (table me)
       union all select 'database ' || datname from pg_database where datdba = (table me)`,
      [RUNTIME],
    );

    expect(rows).toEqual([]);
  });

  it.each([
    { action: "become the owner", statement: "set role gallo_owner" },
    { action: "become the superuser", statement: "set role postgres" },
    { action: "switch session user", statement: "set session authorization gallo_owner" },
    {
      action: "lift FORCE row level security",
      statement: "alter table people no force row level security",
    },
    {
      action: "disable row level security",
      statement: "alter table people disable row level security",
    },
    {
      action: "add a policy",
      statement: "create policy open_door on people for select using (true)",
    },
    { action: "drop a table", statement: "drop table people" },
    { action: "truncate a table (TRUNCATE ignores RLS)", statement: "truncate people" },
    { action: "create a table in public", statement: "create table public.intruder (id int)" },
    { action: "create a schema", statement: "create schema intruder" },
    { action: "delete users", statement: "delete from users" },
  ])("may not $action", async ({ statement }) => {
    const error = await runtime.query(statement).then(
      () => undefined,
      (e: unknown) => e as pg.DatabaseError,
    );

    expect(error?.code, error?.message ?? "the statement succeeded").toBe("42501");
  });
});

describe("tables in schema public", () => {
  it("have row level security enabled and forced, every one of them", async () => {
    const { rows } = await superuser.query(
      `select c.relname, c.relrowsecurity, c.relforcerowsecurity
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p')
          and not (c.relrowsecurity and c.relforcerowsecurity)`,
    );

    expect(rows).toEqual([]);
  });

  it("with org_id have row level security enabled and forced, and there are some", async () => {
    const { rows } = await superuser.query(
      `select c.relname, c.relrowsecurity and c.relforcerowsecurity as protected
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p')
          and exists (select 1 from pg_attribute a
                       where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped)
        order by 1`,
    );

    expect(rows.map((r) => r.relname)).toEqual(
      expect.arrayContaining(["people", "companies", "deals", "memberships", "sessions"]),
    );
    expect(rows.filter((r) => !r.protected)).toEqual([]);
  });

  it("with org_id have an index whose first column is org_id (organisations: id)", async () => {
    const { rows } = await superuser.query(
      `select c.relname as table
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p')
          and (c.relname = 'organisations' or exists (
                select 1 from pg_attribute a
                 where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped))
          and not exists (
                select 1 from pg_index i
                  join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
                 where i.indrelid = c.oid
                   and a.attname = case c.relname when 'organisations' then 'id' else 'org_id' end)`,
    );

    expect(rows).toEqual([]);
  });
});

describe("views", () => {
  // Without security_invoker a view runs as its owner, and the owner's BYPASSRLS would apply.
  const definerViews = `
    select c.oid::regclass::text as view
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'v'
       and n.nspname not in ('pg_catalog', 'information_schema')
       and not coalesce(
         (select option_value::boolean from pg_options_to_table(c.reloptions)
           where option_name = 'security_invoker'), false)`;

  it("all run as the invoker", async () => {
    const { rows } = await superuser.query(definerViews);

    expect(rows).toEqual([]);
  });

  it("that run as their owner are caught by the check above", async () => {
    await superuser.query("begin");
    try {
      await superuser.query("create view public.definer_probe as select id from people");
      await superuser.query(
        "create view public.invoker_probe with (security_invoker = on) as select id from people",
      );
      const { rows } = await superuser.query(definerViews);

      expect(rows).toEqual([{ view: "definer_probe" }]);
    } finally {
      await superuser.query("rollback");
    }
  });

  it("do not include materialized views, which row level security does not cover", async () => {
    const { rows } = await superuser.query(
      `select oid::regclass::text as view from pg_class
        where relkind = 'm' and relnamespace <> 'pg_catalog'::regnamespace`,
    );

    expect(rows).toEqual([]);
  });
});

describe("SECURITY DEFINER functions in public", () => {
  const definers = `
    select p.oid::regprocedure::text as fn, p.proconfig,
           has_function_privilege($1, p.oid, 'execute') as runtime_may_execute,
           array(select coalesce(r.rolname::text, 'PUBLIC')
                   from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                   left join pg_roles r on r.oid = a.grantee
                  where a.privilege_type = 'EXECUTE' and a.grantee <> p.proowner
                  order by 1) as executors
      from pg_proc p
     where p.pronamespace = 'public'::regnamespace and p.prosecdef
     order by 1`;

  it("pin search_path with pg_temp last, and only gallo_app (besides their owner) may execute them", async () => {
    const { rows } = await superuser.query(definers, [RUNTIME]);

    expect(rows.map((r) => r.fn)).toEqual(
      expect.arrayContaining([
        "gallo_login_lookup(text)",
        "gallo_my_organisations()",
        "gallo_user_id_by_email(text)",
      ]),
    );
    for (const row of rows) {
      const searchPath = (row.proconfig as string[] | null)
        ?.find((setting) => setting.startsWith("search_path="))
        ?.slice("search_path=".length);
      // Unless pg_temp is named, it is searched first, and any caller can create objects there.
      expect(
        searchPath
          ?.split(",")
          .map((s) => s.trim())
          .at(-1),
        row.fn,
      ).toBe("pg_temp");
      expect(row.runtime_may_execute, row.fn).toBe(true);
      expect(row.executors, row.fn).toEqual([RUNTIME]);
    }
  });
});

describe("gallo_login_lookup(email)", () => {
  it("finds exactly one account for the email in another case and with spaces", async () => {
    const account = await createAccount();

    const { rows } = await runtime.query("select * from gallo_login_lookup($1)", [
      `  ${account.email.toUpperCase()} `,
    ]);

    expect(rows).toEqual([
      {
        user_id: account.userId,
        password_hash: "not-a-real-hash",
        org_id: account.orgId,
        totp_enabled: false,
      },
    ]);
  });

  it("says two-factor is enabled only once enrolment is confirmed", async () => {
    const account = await createAccount();
    const lookup = async () =>
      (await runtime.query("select totp_enabled from gallo_login_lookup($1)", [account.email]))
        .rows[0]?.totp_enabled;

    await asClaims({ userId: account.userId }, [
      [
        "insert into user_totp (user_id, secret_encrypted) values ($1, 'not-a-secret')",
        [account.userId],
      ],
    ]);
    const enrolling = await lookup();
    await asClaims({ userId: account.userId }, [
      ["update user_totp set enabled_at = now() where user_id = $1", [account.userId]],
    ]);
    const enabled = await lookup();

    expect(enrolling).toBe(false);
    expect(enabled).toBe(true);
  });

  it("lands in the organisation the user joined first", async () => {
    const account = await createAccount();
    await joinAnotherOrganisation(account, "member");

    const { rows } = await runtime.query("select org_id from gallo_login_lookup($1)", [
      account.email,
    ]);

    expect(rows).toEqual([{ org_id: account.orgId }]);
  });

  it.each(PATTERNS)("finds nothing for the pattern %j", async (pattern) => {
    await createAccount();

    const { rows } = await runtime.query("select * from gallo_login_lookup($1)", [pattern]);

    expect(rows).toEqual([]);
  });
});

describe("gallo_my_organisations()", () => {
  it("lists the claimed user's organisations with the role in each, in the order joined", async () => {
    const account = await createAccount();
    const second = await joinAnotherOrganisation(account, "member");

    const [rows] = await asClaims({ userId: account.userId }, [
      ["select org_id, role from gallo_my_organisations()", []],
    ]);

    expect(rows).toEqual([
      { org_id: account.orgId, role: "owner" },
      { org_id: second, role: "member" },
    ]);
  });

  it("lists none of another user's organisations, whatever organisation is claimed", async () => {
    const [mine, theirs] = [await createAccount(), await createAccount()];

    const [rows] = await asClaims({ userId: mine.userId, orgId: theirs.orgId }, [
      ["select org_id from gallo_my_organisations()", []],
    ]);

    expect(rows).toEqual([{ org_id: mine.orgId }]);
  });

  it.each([
    { claims: "no claim", claim: () => ({}) },
    { claims: "the user claim set to the empty string", claim: () => ({ userId: "" }) },
    {
      claims: "only an organisation claim",
      claim: (account: Account) => ({ orgId: account.orgId }),
    },
  ])("answers nothing, and raises no error, with $claims", async ({ claim }) => {
    const account = await createAccount();

    const [rows] = await asClaims(claim(account), [["select * from gallo_my_organisations()", []]]);

    expect(rows).toEqual([]);
  });
});

describe("gallo_user_id_by_email(email)", () => {
  it("answers the one user id for the email in another case and with spaces", async () => {
    const account = await createAccount();

    const { rows } = await runtime.query("select gallo_user_id_by_email($1) as id", [
      `  ${account.email.toUpperCase()} `,
    ]);

    expect(rows).toEqual([{ id: account.userId }]);
  });

  it.each(PATTERNS)("answers null for the pattern %j", async (pattern) => {
    await createAccount();

    const { rows } = await runtime.query("select gallo_user_id_by_email($1) as id", [pattern]);

    expect(rows).toEqual([{ id: null }]);
  });
});

type Account = { userId: string; orgId: string; email: string };
type Claims = { orgId?: string; userId?: string };

/** Registers a user with an organisation directly, as the runtime role, like sign-up does. */
async function createAccount(): Promise<Account> {
  const account = {
    userId: crypto.randomUUID(),
    orgId: crypto.randomUUID(),
    email: `lookup-${crypto.randomUUID()}@example.com`,
  };
  await asClaims(account, [
    ["insert into organisations (id, name) values ($1, 'Lookup')", [account.orgId]],
    [
      "insert into users (id, email, password_hash) values ($1, $2, 'not-a-real-hash')",
      [account.userId, account.email],
    ],
    [
      "insert into memberships (org_id, user_id, role) values ($1, $2, 'owner')",
      [account.orgId, account.userId],
    ],
  ]);
  return account;
}

/** Makes the user a member of a new organisation, joined after the first; returns its id. */
async function joinAnotherOrganisation(account: Account, role: string): Promise<string> {
  const orgId = crypto.randomUUID();
  await asClaims({ orgId, userId: account.userId }, [
    ["insert into organisations (id, name) values ($1, 'Second')", [orgId]],
    [
      "insert into memberships (org_id, user_id, role, created_at) values ($1, $2, $3, now() + interval '1 second')",
      [orgId, account.userId, role],
    ],
  ]);
  return orgId;
}

/** Runs `statements` as the runtime role in one transaction with the claims set; their rows. */
async function asClaims(
  claims: Claims,
  statements: [text: string, params: unknown[]][],
): Promise<Record<string, unknown>[][]> {
  await runtime.query("begin");
  try {
    await runtime.query(
      "select set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)",
      [claims.orgId ?? "", claims.userId ?? ""],
    );
    const results: Record<string, unknown>[][] = [];
    for (const [text, params] of statements) results.push((await runtime.query(text, params)).rows);
    await runtime.query("commit");
    return results;
  } catch (error) {
    await runtime.query("rollback");
    throw error;
  }
}
