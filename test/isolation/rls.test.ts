/**
 * Row-level security, checked below the API: the runtime role with one organisation's claim must
 * neither see nor change another organisation's rows, in every table, including tables added
 * after this file was written (the lists come from the catalog). Tables that belong to a user
 * rather than an organisation are held to the user claim, and the single-use email-link tables to
 * the token-hash claim.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto.ts";
import { api, linkToken, newTenant, type Tenant } from "../support/api.ts";
import { created } from "../support/crm-records.ts";
import { asOwner, connect, failureOf, ident, type Sql, sqlState } from "../support/db.ts";

/** A table and the column holding the organisation, user or token hash that owns each row. */
type Keyed = { table: string; key: string };
/** What the runtime role may do to a table: UPDATE of every column, or of some, and DELETE. */
type Privileges = {
  updateAll: boolean;
  updateColumn: string | null;
  delete: boolean;
  /** Columns an INSERT may name: generated ones (`search`) take no value. */
  insertable: string[];
};

let sql: Sql;
let owner: Sql;
/** Tenant-owned: `org_id` (organisations: `id`). */
let guarded: Keyed[];
/** User-owned: `user_id` and no `org_id` or `token_hash` (users: `id`). */
let userKeyed: Keyed[];
/** Reached by an emailed link: `token_hash` and no `org_id`. */
let tokenKeyed: Keyed[];
let privileges: Map<string, Privileges>;

beforeAll(async () => {
  sql = connect(inject("databaseUrl"));
  owner = asOwner();
  const { rows } = await sql.query(
    `select c.relname as table,
            bool_or(a.attname = 'org_id') as org, bool_or(a.attname = 'user_id') as "user",
            bool_or(a.attname = 'token_hash') as token,
            has_table_privilege(current_user, c.oid, 'UPDATE') as may_update,
            min(a.attname) filter (
              where has_column_privilege(current_user, c.oid, a.attnum, 'UPDATE')) as update_column,
            has_table_privilege(current_user, c.oid, 'DELETE') as may_delete,
            array_agg(a.attname::text order by a.attnum)
              filter (where a.attgenerated = '') as insertable
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname = 'public' and c.relkind in ('r', 'p')
      group by c.relname, c.oid
      order by 1`,
  );
  const tables = rows.map((r) => ({
    table: String(r.table),
    org: r.org === true,
    user: r.user === true,
    token: r.token === true,
  }));
  guarded = [
    { table: "organisations", key: "id" },
    ...tables.filter((t) => t.org).map((t) => ({ table: t.table, key: "org_id" })),
  ];
  userKeyed = [
    { table: "users", key: "id" },
    ...tables
      .filter((t) => t.user && !t.org && !t.token)
      .map((t) => ({ table: t.table, key: "user_id" })),
  ];
  tokenKeyed = tables
    .filter((t) => t.token && !t.org)
    .map((t) => ({ table: t.table, key: "token_hash" }));
  privileges = new Map(
    rows.map((r) => [
      String(r.table),
      {
        updateAll: r.may_update,
        updateColumn: r.update_column ?? null,
        delete: r.may_delete,
        insertable: r.insertable as string[],
      },
    ]),
  );
});

describe("the isolation suite", () => {
  it("covers every table in schema public, each in one kind", async () => {
    const { rows } = await sql.query(
      `select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
    );
    const kinds = [...guarded, ...userKeyed, ...tokenKeyed].map((k) => k.table);

    // A table here is none of the three kinds: give it org_id or test it explicitly.
    expect(rows.map((r) => String(r.table)).filter((t) => !kinds.includes(t))).toEqual([]);
    expect(kinds.length, "a table counted in two kinds").toBe(new Set(kinds).size);
    expect(guarded.map((g) => g.table)).toEqual(
      expect.arrayContaining([
        "organisations",
        "memberships",
        "sessions",
        "people",
        "invitations",
        "audit_log",
      ]),
    );
    expect(userKeyed.map((g) => g.table)).toEqual(
      expect.arrayContaining(["users", "user_totp", "recovery_codes"]),
    );
    expect(tokenKeyed.map((g) => g.table)).toEqual(
      expect.arrayContaining(["pending_registrations", "password_resets"]),
    );
  });
});

describe("tenant tables as the runtime role", () => {
  it("show none of another organisation's rows, and the organisation's own", async () => {
    const [a, b] = await twoTenantsWithRows();

    const results = await sql.transaction([
      claimAs(a),
      ...guarded.map(({ table, key }) => countWhere(table, key, b.orgId)),
      ...guarded.map(({ table, key }) => countWhere(table, key, a.orgId)),
    ]);

    const counts = results.slice(1).map((r) => Number(r.rows[0]?.n));
    const theirs = counts.slice(0, guarded.length);
    const own = counts.slice(guarded.length);
    expect(tablesWhere(guarded, theirs, (n) => n !== 0)).toEqual([]);
    // Otherwise the check above proves nothing about that table.
    expect(
      tablesWhere(guarded, own, (n) => n === 0),
      "tables where A has no row",
    ).toEqual([]);
  });

  it("update and delete none of another organisation's rows", async () => {
    const [a, b] = await twoTenantsWithRows();

    const updates = await outcomes(guarded, a, ({ table, key }) => {
      const column = ident(updatableColumn(table, key));
      return [
        `update ${ident(table)} set ${column} = ${column} where ${ident(key)} = $1`,
        [b.orgId],
      ];
    });
    const deletes = await outcomes(guarded, a, ({ table, key }) => [
      `delete from ${ident(table)} where ${ident(key)} = $1`,
      [b.orgId],
    ]);

    // 0 rows where the runtime role may update (a column of) the table; refused where it may not.
    expect(updates).toEqual(
      expected(guarded, (t) => (privilegeOf(t).updateColumn ? "0 rows" : "42501")),
    );
    expect(deletes).toEqual(expected(guarded, (t) => (privilegeOf(t).delete ? "0 rows" : "42501")));
    const people = await b.call<{ data: unknown[] }>("/api/v1/people");
    expect(people.status).toBe(200);
    expect(people.body.data).toHaveLength(1);
  });

  it("refuse with 42501 to insert a row carrying another organisation's id", async () => {
    const [a, b] = await twoTenantsWithRows();

    const failures = await copiesWithKey(guarded, a, a.orgId, b.orgId);

    expect(failures).toEqual(expected(guarded, () => "42501"));
  });

  it("refuse with 42501 to move the organisation's own rows to another organisation", async () => {
    const [a, b] = await twoTenantsWithRows();

    const failures = await moves(guarded, a, a.orgId, b.orgId);

    expect(failures).toEqual(expected(guarded, () => "42501"));
  });
});

describe("user-keyed tables as the runtime role", () => {
  it("show none of another user's rows, and the user's own", async () => {
    const [a, b] = await twoTenantsWithRows();

    const results = await sql.transaction([
      claimAs(a),
      ...userKeyed.map(({ table, key }) => countWhere(table, key, b.userId)),
      ...userKeyed.map(({ table, key }) => countWhere(table, key, a.userId)),
    ]);

    const counts = results.slice(1).map((r) => Number(r.rows[0]?.n));
    expect(tablesWhere(userKeyed, counts.slice(0, userKeyed.length), (n) => n !== 0)).toEqual([]);
    expect(
      tablesWhere(userKeyed, counts.slice(userKeyed.length), (n) => n === 0),
      "tables where A has no row",
    ).toEqual([]);
  });

  it("update and delete none of another user's rows", async () => {
    const [a, b] = await twoTenantsWithRows();

    const updates = await outcomes(userKeyed, a, ({ table, key }) => {
      const column = ident(updatableColumn(table, key));
      return [
        `update ${ident(table)} set ${column} = ${column} where ${ident(key)} = $1`,
        [b.userId],
      ];
    });
    const deletes = await outcomes(userKeyed, a, ({ table, key }) => [
      `delete from ${ident(table)} where ${ident(key)} = $1`,
      [b.userId],
    ]);

    expect(updates).toEqual(
      expected(userKeyed, (t) => (privilegeOf(t).updateColumn ? "0 rows" : "42501")),
    );
    expect(deletes).toEqual(
      expected(userKeyed, (t) => (privilegeOf(t).delete ? "0 rows" : "42501")),
    );
    const own = await owner.query(
      "select (select count(*)::int from user_totp where user_id = $1) as totp, (select count(*)::int from recovery_codes where user_id = $1) as codes",
      [b.userId],
    );
    expect(own.rows[0]).toEqual({ totp: 1, codes: 1 });
  });

  it("refuse with 42501 to insert a row carrying another user's id", async () => {
    const [a, b] = await twoTenantsWithRows();

    const failures = await copiesWithKey(userKeyed, a, a.userId, b.userId);

    expect(failures).toEqual(expected(userKeyed, () => "42501"));
  });

  it("refuse with 42501 to move the user's own rows to another user", async () => {
    const [a, b] = await twoTenantsWithRows();

    const failures = await moves(userKeyed, a, a.userId, b.userId);

    expect(failures).toEqual(expected(userKeyed, () => "42501"));
  });

  it("refuse with 42501 to insert a user other than the one named by the claim", async () => {
    const [a] = await twoTenantsWithRows();

    const insert = sql.query("insert into users (id, email, password_hash) values ($1, $2, 'x')", [
      crypto.randomUUID(),
      `intruder-${crypto.randomUUID()}@example.com`,
    ]);

    expect(await failureOf(() => sql.transaction([claimAs(a), insert]))).toBe("42501");
  });
});

/**
 * The one column the runtime role may change in each token-keyed table (column privileges): the
 * mark that the link was used. A new token-keyed table fails here until it is listed.
 */
const USED_MARK: Record<string, string> = {
  pending_registrations: "completed_at",
  password_resets: "used_at",
};

function markUsed(table: string): string {
  const column = USED_MARK[table];
  if (!column) throw new Error(`list the used-mark column of token-keyed table ${table}`);
  return `update ${ident(table)} set ${ident(column)} = ${ident(column)}`;
}

describe("token-keyed tables as the runtime role", () => {
  it("show and update only the row whose token hash is claimed", async () => {
    const [a, b] = await twoTenantsWithRows();

    const seen: Record<string, unknown> = {};
    for (const { table } of tokenKeyed) {
      const [, all, own, theirs, update] = await sql.transaction([
        claimToken(a.tokens[table]),
        sql.query(`select count(*)::int as n from ${ident(table)}`),
        sql.query(`select count(*)::int as n from ${ident(table)} where token_hash = $1`, [
          a.tokens[table],
        ]),
        sql.query(`select count(*)::int as n from ${ident(table)} where token_hash = $1`, [
          b.tokens[table],
        ]),
        sql.query(`${markUsed(table)} where token_hash = $1`, [b.tokens[table]]),
      ]);
      seen[table] = {
        all: all?.rows[0]?.n,
        own: own?.rows[0]?.n,
        theirs: theirs?.rows[0]?.n,
        updated: update?.rowCount,
      };
    }

    expect(seen).toEqual(expected(tokenKeyed, () => ({ all: 1, own: 1, theirs: 0, updated: 0 })));
  });

  it.each([
    { claims: "an organisation and a user but no token", claim: (t: Tenant) => claimAs(t) },
    { claims: "no claim at all", claim: () => sql.query("select 1") },
    { claims: "the token claim set to the empty string", claim: () => claimToken("") },
  ])("show and update nothing with $claims", async ({ claim }) => {
    const [a] = await twoTenantsWithRows();

    const seen: Record<string, unknown> = {};
    for (const { table } of tokenKeyed) {
      const [, all, update] = await sql.transaction([
        claim(a),
        sql.query(`select count(*)::int as n from ${ident(table)}`),
        sql.query(markUsed(table)),
      ]);
      seen[table] = { all: all?.rows[0]?.n, updated: update?.rowCount };
    }

    expect(seen).toEqual(expected(tokenKeyed, () => ({ all: 0, updated: 0 })));
  });

  it("refuse with 42501 to insert a row whose token hash differs from the claim", async () => {
    const [a] = await twoTenantsWithRows();

    const failures: Record<string, string> = {};
    for (const { table } of tokenKeyed) {
      const copy = sql.query(
        `insert into ${ident(table)}
         select (jsonb_populate_record(null::${ident(table)},
                   to_jsonb(x) || jsonb_build_object('token_hash', $1::text))).*
           from ${ident(table)} x where x.token_hash = $2`,
        [await sha256Hex(crypto.randomUUID()), a.tokens[table]],
      );
      failures[table] = await failureOf(() => sql.transaction([claimToken(a.tokens[table]), copy]));
    }

    expect(failures).toEqual(expected(tokenKeyed, () => "42501"));
  });

  it("refuse with 42501 to change the claimed row's token hash", async () => {
    const [a] = await twoTenantsWithRows();

    const failures: Record<string, string> = {};
    for (const { table } of tokenKeyed) {
      const move = sql.query(`update ${ident(table)} set token_hash = $1 where token_hash = $2`, [
        await sha256Hex(crypto.randomUUID()),
        a.tokens[table],
      ]);
      failures[table] = await failureOf(() => sql.transaction([claimToken(a.tokens[table]), move]));
    }

    expect(failures).toEqual(expected(tokenKeyed, () => "42501"));
  });

  it("refuse with 42501 to delete, even the claimed row", async () => {
    const [a] = await twoTenantsWithRows();

    const failures: Record<string, string> = {};
    for (const { table } of tokenKeyed) {
      const remove = sql.query(`delete from ${ident(table)} where token_hash = $1`, [
        a.tokens[table],
      ]);
      failures[table] = await failureOf(() =>
        sql.transaction([claimToken(a.tokens[table]), remove]),
      );
    }

    expect(failures).toEqual(expected(tokenKeyed, () => "42501"));
  });
});

describe("every guarded table as the runtime role", () => {
  it("shows no row at all without a claim", async () => {
    await twoTenantsWithRows();
    const all = [...guarded, ...userKeyed, ...tokenKeyed];

    const counts = await Promise.all(
      all.map(async ({ table }) => {
        const { rows } = await sql.query(`select count(*)::int as n from ${ident(table)}`);
        return Number(rows[0]?.n);
      }),
    );

    expect(tablesWhere(all, counts, (n) => n !== 0)).toEqual([]);
  });

  it("shows no row, and raises no error, with every claim set to the empty string", async () => {
    await twoTenantsWithRows();
    const all = [...guarded, ...userKeyed, ...tokenKeyed];

    const results = await sql.transaction([
      sql.query(
        `select set_config('app.org_id', '', true), set_config('app.user_id', '', true),
                set_config('app.token_hash', '', true)`,
      ),
      ...all.map(({ table }) => sql.query(`select count(*)::int as n from ${ident(table)}`)),
    ]);

    const counts = results.slice(1).map((r) => Number(r.rows[0]?.n));
    expect(tablesWhere(all, counts, (n) => n !== 0)).toEqual([]);
  });

  it("does not carry a claim set in one transaction into the next query", async () => {
    const [a] = await twoTenantsWithRows();

    // The endpoint pools connections: repeat until the next query lands on the same backend.
    const sameBackend: { claim: unknown; people: number }[] = [];
    for (let attempt = 0; attempt < 20 && sameBackend.length < 3; attempt++) {
      const [, claimed] = await sql.transaction([
        claimAs(a),
        sql.query("select pg_backend_pid() as pid, count(*)::int as n from people"),
      ]);
      expect(claimed?.rows[0]?.n).toBe(1);
      const { rows } = await sql.query(
        `select pg_backend_pid() as pid, current_setting('app.org_id', true) as claim,
                (select count(*)::int from people) as n`,
      );
      if (rows[0]?.pid === claimed?.rows[0]?.pid) {
        sameBackend.push({ claim: rows[0]?.claim, people: Number(rows[0]?.n) });
      }
    }

    expect(sameBackend.length).toBeGreaterThan(0);
    for (const seen of sameBackend) {
      expect(seen.claim ?? "").toBe("");
      expect(seen.people).toBe(0);
    }
  });
});

type Seeded = Tenant & { tokens: Record<string, string> };

/**
 * Two organisations, each with its owner and a row in every table: through the API where a
 * route exists (organisation, membership, session, audit entry, contact, pending sign-up), as the
 * owner role where none does yet (invitation, 2FA secret, recovery code, password reset).
 */
async function twoTenantsWithRows(): Promise<[Seeded, Seeded]> {
  const tenants = await Promise.all([newTenant("A"), newTenant("B")]);
  const seeded = await Promise.all(tenants.map(seed));
  return [seeded[0] as Seeded, seeded[1] as Seeded];
}

async function seed(tenant: Tenant): Promise<Seeded> {
  await crmRows(tenant);

  const pendingEmail = `pending-${crypto.randomUUID()}@example.com`;
  const started = await api("/api/v1/auth/register", {
    method: "POST",
    body: { organisationName: "Pending", email: pendingEmail, password: "senha-forte-123" },
  });
  expect(started.status).toBe(202);
  const tokens: Record<string, string> = {
    pending_registrations: await sha256Hex(await linkToken(pendingEmail, "/verify-email")),
    password_resets: await sha256Hex(crypto.randomUUID()),
  };

  await owner.transaction([
    owner.query(
      `insert into invitations (id, org_id, email, role, token_hash, invited_by, expires_at)
       values ($1, $2, $3, 'member', $4, $5, now() + interval '7 days')`,
      [
        crypto.randomUUID(),
        tenant.orgId,
        `invitee-${crypto.randomUUID()}@example.com`,
        await sha256Hex(crypto.randomUUID()),
        tenant.userId,
      ],
    ),
    owner.query("insert into user_totp (user_id, secret_encrypted) values ($1, 'not-a-secret')", [
      tenant.userId,
    ]),
    owner.query("insert into recovery_codes (user_id, code_hash) values ($1, $2)", [
      tenant.userId,
      await sha256Hex(crypto.randomUUID()),
    ]),
    owner.query(
      `insert into password_resets (token_hash, user_id, expires_at)
       values ($1, $2, now() + interval '1 hour')`,
      [tokens.password_resets, tenant.userId],
    ),
  ]);
  return { ...tenant, tokens };
}

/**
 * A row in every CRM table. Sign-up wrote organisations, memberships, sessions, audit_log,
 * pipelines and stages; these creates write their timeline_events.
 */
async function crmRows(tenant: Tenant): Promise<void> {
  const company = await created<{ id: string }>(tenant, "/api/v1/companies", { name: "Empresa" });
  const person = await created<{ id: string }>(tenant, "/api/v1/people", {
    firstName: "Someone",
    companyId: company.id,
  });
  await created(tenant, "/api/v1/tags", { entity: "person", name: "VIP" });
  await created(tenant, "/api/v1/custom-fields", {
    entity: "person",
    key: "origem",
    label: "Origem",
    type: "text",
  });

  // Limitation: written as the owner role, although routes exist now; move to the API.
  const org = tenant.orgId;
  const deal = crypto.randomUUID();
  const file = crypto.randomUUID();
  await owner.transaction([
    owner.query(
      `insert into deals (id, org_id, title, currency, pipeline_id, stage_id, company_id)
       select $1, $2, 'Negócio', 'BRL', s.pipeline_id, s.id, $3
         from stages s where s.org_id = $2 order by s.position limit 1`,
      [deal, org, company.id],
    ),
    owner.query("insert into deal_people (org_id, deal_id, person_id) values ($1, $2, $3)", [
      org,
      deal,
      person.id,
    ]),
    owner.query(
      `insert into deal_stage_history (id, org_id, deal_id, to_stage_id)
       select $1, org_id, id, stage_id from deals where id = $2`,
      [crypto.randomUUID(), deal],
    ),
    owner.query("insert into tasks (id, org_id, title) values ($1, $2, 'Ligar')", [
      crypto.randomUUID(),
      org,
    ]),
    owner.query(
      "insert into notes (id, org_id, record_type, record_id, body) values ($1, $2, 'person', $3, 'Nota')",
      [crypto.randomUUID(), org, person.id],
    ),
    owner.query(
      `insert into files (id, org_id, record_type, record_id, name, content_type, size, object_key)
       values ($1, $2, 'person', $3, 'Proposta.pdf', 'application/pdf', 10, $4)`,
      [file, org, person.id, `${org}/${file}`],
    ),
  ]);
}

/** The statement that opens every request's transaction, as src/db/tenant.ts sends it. */
function claimAs(tenant: Tenant) {
  return sql.query(
    "select set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)",
    [tenant.orgId, tenant.userId],
  );
}

/** The claim an emailed link proves (withClaims({ tokenHash }) in src/db/tenant.ts). */
function claimToken(tokenHash: string | undefined) {
  return sql.query("select set_config('app.token_hash', $1, true)", [tokenHash ?? ""]);
}

function countWhere(table: string, key: string, value: string) {
  return sql.query(`select count(*)::int as n from ${ident(table)} where ${ident(key)} = $1`, [
    value,
  ]);
}

/** Per table, "<n> rows" if `statement` ran in its own transaction as `tenant`, else its SQLSTATE. */
async function outcomes(
  tables: Keyed[],
  tenant: Tenant,
  statement: (keyed: Keyed) => [text: string, params: unknown[]],
): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  for (const keyed of tables) {
    try {
      const [, result] = await sql.transaction([claimAs(tenant), sql.query(...statement(keyed))]);
      seen[keyed.table] = `${result?.rowCount} rows`;
    } catch (error) {
      seen[keyed.table] = sqlState(error) ?? String(error);
    }
  }
  return seen;
}

/**
 * Per table, how inserting a copy of one of `tenant`'s rows with `key` set to `theirs` failed.
 * RLS WITH CHECK runs before unique constraints, so the copied primary key does not mask it.
 */
async function copiesWithKey(
  tables: Keyed[],
  tenant: Tenant,
  own: string,
  theirs: string,
): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
  for (const { table, key } of tables) {
    const columns = privilegeOf(table).insertable.map(ident);
    const insert = sql.query(
      `insert into ${ident(table)} (${columns.join(", ")})
       select ${columns.map((c) => `r.${c}`).join(", ")}
         from ${ident(table)} x,
              lateral jsonb_populate_record(null::${ident(table)},
                to_jsonb(x) || jsonb_build_object($1::text, $2::uuid)) r
        where x.${ident(key)} = $3 limit 1`,
      [key, theirs, own],
    );
    failures[table] = await failureOf(() => sql.transaction([claimAs(tenant), insert]));
  }
  return failures;
}

/** Per table, how moving `tenant`'s rows from key `own` to `theirs` failed ("none": it did not). */
async function moves(
  tables: Keyed[],
  tenant: Tenant,
  own: string,
  theirs: string,
): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
  for (const { table, key } of tables) {
    const move = sql.query(
      `update ${ident(table)} set ${ident(key)} = $1 where ${ident(key)} = $2`,
      [theirs, own],
    );
    failures[table] = await failureOf(() => sql.transaction([claimAs(tenant), move]));
  }
  return failures;
}

/**
 * The column to touch in a no-op UPDATE: the key when every column may be updated, else one that
 * may be (sessions: revoked_at), else the key, which then fails on privileges.
 */
function updatableColumn(table: string, key: string): string {
  const { updateAll, updateColumn } = privilegeOf(table);
  return updateAll ? key : (updateColumn ?? key);
}

function privilegeOf(table: string): Privileges {
  const found = privileges.get(table);
  if (!found) throw new Error(`no privileges read for ${table}`);
  return found;
}

function expected<T>(tables: Keyed[], value: (table: string) => T): Record<string, T> {
  return Object.fromEntries(tables.map(({ table }) => [table, value(table)]));
}

/** The tables whose value (in `tables` order) matches `test`, with the value. */
function tablesWhere<T>(tables: Keyed[], values: T[], test: (value: T) => boolean): string[] {
  return tables.flatMap((g, i) => {
    const value = values[i] as T;
    return test(value) ? [`${g.table}: ${String(value)}`] : [];
  });
}
