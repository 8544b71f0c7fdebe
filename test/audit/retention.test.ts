/**
 * Audit retention: the Worker's scheduled handler (src/jobs/scheduled.ts) purges entries older
 * than AUDIT_RETENTION_DAYS through `gallo_audit_purge`, records the purge in the log, and leaves
 * a chain that still verifies, starting from its oldest remaining entry. The history is made old
 * by the owner role, which backdates the first entries and reseals the chain, as only it could.
 */
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env.ts";
import worker from "../../src/index.ts";
import { newTenant, type Tenant } from "../support/api.ts";
import { asOwner } from "../support/db.ts";
import { allEntries, verdictOf } from "./support.ts";

const bindings = env as unknown as Bindings;

/** Ages, in days, given to entries 1 to 4; entry 5 stays as written, today. */
const AGES = [500, 450, 401, 399];

describe("the scheduled audit purge", () => {
  it("removes the entries past 400 days, records it, and leaves a chain that verifies", async () => {
    const tenant = await tenantWithHistory();
    expect(await verdictOf(tenant)).toEqual(expect.objectContaining({ intact: true, entries: 5 }));

    await runScheduled();

    const entries = await allEntries(tenant);
    expect(entries.map((e) => [e.seq, e.action])).toEqual([
      [6, "audit.purged"],
      [5, "auth.sessions_revoked"],
      [4, "auth.sessions_revoked"],
    ]);
    expect(entries[0]).toEqual(
      expect.objectContaining({
        actorUserId: null,
        summary: { deleted: 3, throughSeq: 3, olderThan: "400 days" },
      }),
    );
    expect(await verdictOf(tenant)).toEqual({
      intact: true,
      firstBrokenSeq: null,
      entries: 3,
      firstSeq: 4,
      lastSeq: 6,
    });
  });

  it("still reports an edit to the oldest remaining entry after a purge", async () => {
    const tenant = await tenantWithHistory();
    await runScheduled();

    await asOwner().query("update audit_log set summary = '{}' where org_id = $1 and seq = 4", [
      tenant.orgId,
    ]);

    expect(await verdictOf(tenant)).toEqual(
      expect.objectContaining({ intact: false, firstBrokenSeq: 4 }),
    );
  });

  it("leaves an organisation without old entries as it was, with no purge entry", async () => {
    const tenant = await newTenant("Recent");
    const before = await allEntries(tenant);

    await runScheduled();

    expect(await allEntries(tenant)).toEqual(before);
  });

  it.each([
    { retention: "420", remaining: [3, 4, 5], through: 2 },
    { retention: "30", remaining: [5], through: 4 },
    { retention: "not a number", remaining: [4, 5], through: 3 },
  ])(
    "with AUDIT_RETENTION_DAYS=$retention keeps entries $remaining",
    async ({ retention, remaining, through }) => {
      const tenant = await tenantWithHistory();

      await runScheduled({ AUDIT_RETENTION_DAYS: retention });

      const entries = await allEntries(tenant);
      const purged = entries[0];
      expect(purged?.summary).toEqual(expect.objectContaining({ throughSeq: through }));
      expect(entries.slice(1).map((e) => e.seq)).toEqual(remaining.toReversed());
      expect(await verdictOf(tenant)).toEqual(expect.objectContaining({ intact: true }));
    },
  );

  it("fails, removing nothing, when AUDIT_RETENTION_DAYS is below the 30-day floor", async () => {
    const tenant = await tenantWithHistory();
    const before = await allEntries(tenant);

    const run = runScheduled({ AUDIT_RETENTION_DAYS: "7" });

    await expect(run).rejects.toThrow("scheduled jobs failed: audit.purge");
    expect(await allEntries(tenant)).toEqual(before);
  });
});

/** Calls the Worker's scheduled handler as the cron of wrangler.toml would, with `vars` on top. */
async function runScheduled(vars: Record<string, string> = {}): Promise<void> {
  const controller = createScheduledController({ cron: "17 3 * * *" });
  await worker.scheduled(
    controller,
    { ...bindings, ...vars } as Bindings,
    createExecutionContext(),
  );
}

/** A tenant with five entries, the first four backdated by `AGES` days and the chain resealed. */
async function tenantWithHistory(): Promise<Tenant> {
  const tenant = await newTenant("Old");
  for (let i = 0; i < 4; i++) {
    const res = await tenant.call("/api/v1/auth/sessions/revoke-all", { method: "POST", body: {} });
    if (res.status !== 200) throw new Error("revoke-all failed");
  }
  const owner = asOwner();
  await owner.query(
    `update audit_log set created_at = now() - make_interval(days => ($2::int[])[seq])
      where org_id = $1 and seq <= cardinality($2::int[])`,
    [tenant.orgId, AGES],
  );
  // The org id is a uuid the API returned; DO blocks take no parameters.
  await owner.query(`DO $$
    DECLARE
      e audit_log;
      v_hash text := repeat('0', 64);
    BEGIN
      FOR e IN SELECT * FROM audit_log WHERE org_id = '${tenant.orgId}'::uuid ORDER BY seq LOOP
        e.prev_hash := v_hash;
        v_hash := gallo_audit_hash(e);
        UPDATE audit_log SET prev_hash = e.prev_hash, hash = v_hash WHERE id = e.id;
      END LOOP;
    END $$`);
  return tenant;
}
