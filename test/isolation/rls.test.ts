/**
 * Row-level security, checked below the API: the runtime role with one organisation's claim must
 * neither see nor change another organisation's rows, in every table, including tables added
 * after this file was written (the list comes from the catalog).
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { newTenant, type Tenant } from "../support/api.ts";
import { connect, failureOf, ident, type Sql } from "../support/db.ts";

/** A table and the column holding the organisation that owns each row. */
type Guarded = { table: string; key: string };

/** Tables keyed by the user claim rather than an organisation (not tenant-owned). */
const USER_KEYED = ["users"];

let sql: Sql;
let guarded: Guarded[];

beforeAll(async () => {
  sql = connect(inject("databaseUrl"));
  const { rows } = await sql.query(
    `select c.relname as table
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and exists (select 1 from pg_attribute a
                     where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped)
      order by 1`,
  );
  guarded = [
    { table: "organisations", key: "id" },
    ...rows.map((r) => ({ table: String(r.table), key: "org_id" })),
  ];
});

describe("row-level security as the runtime role", () => {
  it("covers every table in schema public", async () => {
    const { rows } = await sql.query(
      `select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
    );
    const covered = new Set([...guarded.map((g) => g.table), ...USER_KEYED]);

    // A table here is neither tenant-keyed nor user-keyed: give it org_id or test it explicitly.
    expect(rows.map((r) => String(r.table)).filter((t) => !covered.has(t))).toEqual([]);
    expect(guarded.map((g) => g.table)).toEqual(
      expect.arrayContaining(["organisations", "memberships", "sessions", "contacts"]),
    );
  });

  it("shows none of another organisation's rows, and the organisation's own", async () => {
    const [a, b] = await twoTenantsWithAContact();

    const results = await sql.transaction([
      claimAs(a),
      ...guarded.map(({ table, key }) => countWhere(table, key, b.orgId)),
      ...guarded.map(({ table, key }) => countWhere(table, key, a.orgId)),
    ]);

    const counts = results.slice(1).map((r) => Number(r.rows[0]?.n));
    const theirs = counts.slice(0, guarded.length);
    const own = counts.slice(guarded.length);
    expect(tablesWhere(theirs, (n) => n !== 0)).toEqual([]);
    // Otherwise the check above proves nothing about that table.
    expect(
      tablesWhere(own, (n) => n === 0),
      "tables where A has no row",
    ).toEqual([]);
  });

  it("updates and deletes none of another organisation's rows", async () => {
    const [a, b] = await twoTenantsWithAContact();

    const results = await sql.transaction([
      claimAs(a),
      ...guarded.map(({ table, key }) =>
        sql.query(
          `update ${ident(table)} set ${ident(key)} = ${ident(key)} where ${ident(key)} = $1`,
          [b.orgId],
        ),
      ),
      ...guarded.map(({ table, key }) =>
        sql.query(`delete from ${ident(table)} where ${ident(key)} = $1`, [b.orgId]),
      ),
    ]);

    const affected = results.slice(1).map((r) => r.rowCount);
    expect(tablesWhere(affected.slice(0, guarded.length), (n) => n !== 0)).toEqual([]);
    expect(tablesWhere(affected.slice(guarded.length), (n) => n !== 0)).toEqual([]);
    const contacts = await b.call<{ data: unknown[] }>("/api/v1/contacts");
    expect(contacts.status).toBe(200);
    expect(contacts.body.data).toHaveLength(1);
  });

  it("refuses with 42501 to insert a row carrying another organisation's id", async () => {
    const [a, b] = await twoTenantsWithAContact();

    const failures: Record<string, string> = {};
    for (const { table, key } of guarded) {
      // A copy of one of A's rows with B's id: valid in every other respect. RLS WITH CHECK runs
      // before unique constraints, so the copied primary key does not mask the refusal.
      const insert = sql.query(
        `insert into ${ident(table)}
         select (jsonb_populate_record(null::${ident(table)},
                   to_jsonb(x) || jsonb_build_object($1::text, $2::uuid))).*
           from ${ident(table)} x where x.${ident(key)} = $3 limit 1`,
        [key, b.orgId, a.orgId],
      );
      failures[table] = await failureOf(() => sql.transaction([claimAs(a), insert]));
    }

    expect(failures).toEqual(Object.fromEntries(guarded.map((g) => [g.table, "42501"])));
  });

  it("refuses with 42501 to move the organisation's own rows to another organisation", async () => {
    const [a, b] = await twoTenantsWithAContact();

    const failures: Record<string, string> = {};
    for (const { table, key } of guarded) {
      const move = sql.query(
        `update ${ident(table)} set ${ident(key)} = $1 where ${ident(key)} = $2`,
        [b.orgId, a.orgId],
      );
      failures[table] = await failureOf(() => sql.transaction([claimAs(a), move]));
    }

    expect(failures).toEqual(Object.fromEntries(guarded.map((g) => [g.table, "42501"])));
  });

  it("shows no tenant row at all without a claim", async () => {
    await twoTenantsWithAContact();

    const counts = await Promise.all(
      guarded.map(async ({ table }) => {
        const { rows } = await sql.query(`select count(*)::int as n from ${ident(table)}`);
        return Number(rows[0]?.n);
      }),
    );

    expect(tablesWhere(counts, (n) => n !== 0)).toEqual([]);
  });

  it("shows no tenant row, and raises no error, with the claim set to the empty string", async () => {
    await twoTenantsWithAContact();

    const results = await sql.transaction([
      sql.query("select set_config('app.org_id', '', true), set_config('app.user_id', '', true)"),
      ...guarded.map(({ table }) => sql.query(`select count(*)::int as n from ${ident(table)}`)),
    ]);

    const counts = results.slice(1).map((r) => Number(r.rows[0]?.n));
    expect(tablesWhere(counts, (n) => n !== 0)).toEqual([]);
  });

  it("does not carry a claim set in one transaction into the next query", async () => {
    const [a] = await twoTenantsWithAContact();

    // The endpoint pools connections: repeat until the next query lands on the same backend.
    const sameBackend: { claim: unknown; contacts: number }[] = [];
    for (let attempt = 0; attempt < 20 && sameBackend.length < 3; attempt++) {
      const [, claimed] = await sql.transaction([
        claimAs(a),
        sql.query("select pg_backend_pid() as pid, count(*)::int as n from contacts"),
      ]);
      expect(claimed?.rows[0]?.n).toBe(1);
      const { rows } = await sql.query(
        `select pg_backend_pid() as pid, current_setting('app.org_id', true) as claim,
                (select count(*)::int from contacts) as n`,
      );
      if (rows[0]?.pid === claimed?.rows[0]?.pid) {
        sameBackend.push({ claim: rows[0]?.claim, contacts: Number(rows[0]?.n) });
      }
    }

    expect(sameBackend.length).toBeGreaterThan(0);
    for (const seen of sameBackend) {
      expect(seen.claim ?? "").toBe("");
      expect(seen.contacts).toBe(0);
    }
  });
});

describe("users as the runtime role", () => {
  it("shows and changes only the user named by the claim", async () => {
    const [a, b] = await twoTenantsWithAContact();

    const [, other, own, update] = await sql.transaction([
      claimAs(a),
      sql.query("select count(*)::int as n from users where id = $1", [b.userId]),
      sql.query("select count(*)::int as n from users where id = $1", [a.userId]),
      sql.query("update users set email = email where id = $1", [b.userId]),
    ]);

    expect(other?.rows[0]?.n).toBe(0);
    expect(own?.rows[0]?.n).toBe(1);
    expect(update?.rowCount).toBe(0);
  });

  it("refuses with 42501 to insert a user other than the one named by the claim", async () => {
    const [a] = await twoTenantsWithAContact();

    const insert = sql.query("insert into users (id, email, password_hash) values ($1, $2, 'x')", [
      crypto.randomUUID(),
      `intruder-${crypto.randomUUID()}@example.com`,
    ]);

    expect(await failureOf(() => sql.transaction([claimAs(a), insert]))).toBe("42501");
  });
});

/** Two organisations, each with its owner (membership, session) and one contact. */
async function twoTenantsWithAContact(): Promise<[Tenant, Tenant]> {
  const tenants = await Promise.all([newTenant("A"), newTenant("B")]);
  for (const tenant of tenants) {
    const res = await tenant.call("/api/v1/contacts", {
      method: "POST",
      body: { firstName: "Someone" },
    });
    expect(res.status).toBe(201);
  }
  return tenants;
}

/** The statement that opens every request's transaction, as src/db/tenant.ts sends it. */
function claimAs(tenant: Tenant) {
  return sql.query(
    "select set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)",
    [tenant.orgId, tenant.userId],
  );
}

function countWhere(table: string, key: string, orgId: string) {
  return sql.query(`select count(*)::int as n from ${ident(table)} where ${ident(key)} = $1`, [
    orgId,
  ]);
}

/** The tables whose value (in `guarded` order) matches `test`, with the value. */
function tablesWhere<T>(values: T[], test: (value: T) => boolean): string[] {
  return guarded.flatMap((g, i) => {
    const value = values[i] as T;
    return test(value) ? [`${g.table}: ${String(value)}`] : [];
  });
}
