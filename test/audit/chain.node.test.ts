/**
 * The hash chain of the audit log (migrations/0009_audit_chain_trigger.sql), below the API: the
 * trigger numbers and links every entry whatever the writer sends, concurrent writers of one
 * organisation take turns, anyone can recompute a hash from the documented canonical text, and
 * `gallo_audit_verify()` names the first link an edit as the owner broke.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  asClaim,
  chainOf,
  client,
  failureOf,
  GENESIS,
  newOrganisation,
  type Org,
  urls,
  verify,
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

const ACTIONS = ["auth.registered", "auth.login", "member.invited", "member.joined", "auth.logout"];

describe("the audit chain", () => {
  it("numbers an organisation's entries 1, 2, 3… and links each to the hash before it", async () => {
    const org = await orgWithEntries();

    const chain = await chainOf(owner, org.orgId);

    expect(chain.map((link) => link.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(chain[0]?.prev_hash).toBe(GENESIS);
    expect(chain.slice(1).map((link) => link.prev_hash)).toEqual(
      chain.slice(0, -1).map((link) => link.hash),
    );
    for (const link of chain) expect(link.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(chain.map((link) => link.hash)).size).toBe(chain.length);
    expect(await verify(runtime, org.orgId)).toBeNull();
  });

  it("keeps one chain per organisation", async () => {
    const [a, b] = [await orgWithEntries(), await orgWithEntries()];

    const [chainA, chainB] = [await chainOf(owner, a.orgId), await chainOf(owner, b.orgId)];

    expect(chainA.map((link) => link.seq)).toEqual(chainB.map((link) => link.seq));
    expect(chainB[0]?.prev_hash).toBe(GENESIS);
    expect(chainB[0]?.hash).not.toBe(chainA[0]?.hash);
  });

  it("ignores the seq, prev_hash, hash and future created_at a writer sends", async () => {
    const org = await orgWithEntries();
    const last = (await chainOf(owner, org.orgId)).at(-1);

    const [rows] = await asClaim(runtime, org, [
      [
        `insert into audit_log (id, org_id, action, seq, prev_hash, hash, created_at)
         values ($1, $2, 'forged', 1, $3, $3, now() + interval '1 year')
         returning seq::int, prev_hash, hash, created_at <= clock_timestamp() as not_future`,
        [crypto.randomUUID(), org.orgId, "f".repeat(64)],
      ],
    ]);

    expect(rows?.[0]).toEqual(
      expect.objectContaining({ seq: 6, prev_hash: last?.hash, not_future: true }),
    );
    expect(rows?.[0]?.hash).not.toBe("f".repeat(64));
    expect(await verify(runtime, org.orgId)).toBeNull();
  });

  it("never lets created_at go back along the chain", async () => {
    const org = await orgWithEntries();

    await asClaim(runtime, org, [
      [
        `insert into audit_log (id, org_id, action, created_at)
         values ($1, $2, 'backdated', '2001-01-01T00:00:00Z')`,
        [crypto.randomUUID(), org.orgId],
      ],
    ]);

    const { rows } = await owner.query(
      `select bool_and(created_at >= before) as ordered from (
         select created_at, lag(created_at) over (order by seq) as before
           from audit_log where org_id = $1) t where before is not null`,
      [org.orgId],
    );
    expect(rows[0]?.ordered).toBe(true);
  });

  it("seals each entry with SHA-256 of its canonical text, which anyone can recompute", async () => {
    const org = await orgWithEntries();

    const { rows } = await owner.query(
      `select id, seq::int, action, actor_user_id, prev_hash, hash,
              to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
         from audit_log where org_id = $1 order by seq`,
      [org.orgId],
    );

    for (const row of rows) {
      // jsonb's text form of the array in the migration: ", " between items, ": " in objects.
      const canonical = `[${[
        "gallo-audit-v1",
        org.orgId,
        row.seq,
        row.id,
        row.at,
        row.actor_user_id,
        null,
        row.action,
        null,
        null,
        { from: "test" },
        null,
        null,
        null,
        row.prev_hash,
      ]
        .map((value) => JSON.stringify(value).replace('{"from":"test"}', '{"from": "test"}'))
        .join(", ")}]`;
      expect(createHash("sha256").update(canonical, "utf8").digest("hex"), `seq ${row.seq}`).toBe(
        row.hash,
      );
    }
  });

  it("stays whole when 20 connections append to one organisation at once", async () => {
    const org = await newOrganisation(runtime);
    const writers = await Promise.all(Array.from({ length: 20 }, () => client(urls.runtime())));

    try {
      await Promise.all(
        writers.map((writer, i) => writeEntries(writer, org, [`w${i}.a`, `w${i}.b`, `w${i}.c`])),
      );
    } finally {
      await Promise.all(writers.map((writer) => writer.end()));
    }

    const chain = await chainOf(owner, org.orgId);
    expect(chain.map((link) => link.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(await verify(runtime, org.orgId)).toBeNull();
  });
});

/** How the owner (who bypasses RLS and holds every privilege) could tamper, and what breaks. */
const TAMPERINGS: { tampering: string; statements: string[]; broken: number }[] = [
  {
    tampering: "edits the summary of entry 3",
    statements: [
      `update audit_log set summary = '{"from": "owner"}' where org_id = $1 and seq = 3`,
    ],
    broken: 3,
  },
  {
    tampering: "edits entry 2's action and reseals its hash",
    statements: [
      "update audit_log set action = 'nothing.happened' where org_id = $1 and seq = 2",
      "update audit_log a set hash = gallo_audit_hash(a) where org_id = $1 and seq = 2",
    ],
    broken: 3,
  },
  {
    tampering: "deletes entry 3",
    statements: ["delete from audit_log where org_id = $1 and seq = 3"],
    broken: 4,
  },
  {
    tampering: "moves entry 2 an hour back in time",
    statements: [
      "update audit_log set created_at = created_at - interval '1 hour' where org_id = $1 and seq = 2",
    ],
    broken: 2,
  },
  {
    tampering: "edits the newest entry",
    statements: ["update audit_log set actor_user_id = null where org_id = $1 and seq = 5"],
    broken: 5,
  },
  {
    tampering: "renumbers entry 4",
    statements: ["update audit_log set seq = 40 where org_id = $1 and seq = 4"],
    broken: 5,
  },
];

describe("gallo_audit_verify()", () => {
  it.each(TAMPERINGS)(
    "reports $broken when the owner $tampering",
    async ({ statements, broken }) => {
      const org = await orgWithEntries();
      expect(await verify(runtime, org.orgId)).toBeNull();

      for (const statement of statements) await owner.query(statement, [org.orgId]);

      expect(await verify(runtime, org.orgId)).toBe(broken);
      expect(await verify(owner, org.orgId)).toBe(broken);
    },
  );

  it("reports nothing about another organisation's broken chain", async () => {
    const [mine, theirs] = [await orgWithEntries(), await orgWithEntries()];

    await owner.query("update audit_log set summary = '{}' where org_id = $1 and seq = 1", [
      theirs.orgId,
    ]);

    expect(await verify(runtime, mine.orgId)).toBeNull();
    expect(await verify(runtime, theirs.orgId)).toBe(1);
  });

  it("refuses to answer when no organisation is claimed (42501)", async () => {
    await orgWithEntries();

    expect(await failureOf(() => asClaim(runtime, {}, [["select gallo_audit_verify()"]]))).toBe(
      "42501",
    );
  });
});

async function orgWithEntries(): Promise<Org> {
  const org = await newOrganisation(runtime);
  await writeEntries(runtime, org, ACTIONS);
  return org;
}
