/**
 * GET /api/v1/audit/verify: the organisation's hash chain, checked by the database
 * (`gallo_audit_verify`), holds after any number of concurrent audited requests, and an edit made
 * as the owner role, which no route can make, shows up as the first broken link.
 */
import { describe, expect, it } from "vitest";
import { minRoleFor } from "../../src/access/roles.ts";
import { newTenant, type Tenant } from "../support/api.ts";
import { asOwner } from "../support/db.ts";
import {
  expectRouteRefusesWithoutValidSession,
  expectRouteRequiresRole,
} from "../support/security.ts";
import { allEntries, verdictOf } from "./support.ts";

const route = { method: "GET", path: "/api/v1/audit/verify" };

describe("GET /api/v1/audit/verify", () => {
  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession(route);
  });

  it("is for owners and admins only (audit.read)", async () => {
    await expectRouteRequiresRole(route, minRoleFor("audit.read"));
  });

  it("finds a new organisation's chain intact", async () => {
    const tenant = await newTenant("Verify");
    await revokeAll(tenant);

    expect(await verdictOf(tenant)).toEqual({
      intact: true,
      firstBrokenSeq: null,
      entries: 2,
      firstSeq: 1,
      lastSeq: 2,
    });
  });

  it("keeps the chain whole through 50 audited requests at once", async () => {
    const tenant = await newTenant("Concurrent");

    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 ? revokeAll(tenant) : tenant.call("/api/v1/audit/export.csv").then((r) => r.status),
      ),
    );

    expect(statuses.every((status) => status === 200)).toBe(true);
    const entries = await allEntries(tenant);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 51 }, (_, i) => 51 - i));
    expect(entries.slice(0, -1).map((e) => e.prevHash)).toEqual(
      entries.slice(1).map((e) => e.hash),
    );
    expect(await verdictOf(tenant)).toEqual(
      expect.objectContaining({ intact: true, firstBrokenSeq: null, entries: 51 }),
    );
  });

  it.each([
    {
      edit: "the summary of entry 2",
      statements: [
        `update audit_log set summary = '{"includeCurrent": true}' where org_id = $1 and seq = 2`,
      ],
      broken: 2,
    },
    {
      edit: "the actor of entry 2 and reseals its hash",
      statements: [
        "update audit_log set actor_user_id = null, actor_email = null where org_id = $1 and seq = 2",
        "update audit_log a set hash = gallo_audit_hash(a) where org_id = $1 and seq = 2",
      ],
      broken: 3,
    },
    {
      edit: "away entry 2",
      statements: ["delete from audit_log where org_id = $1 and seq = 2"],
      broken: 3,
    },
  ])(
    "reports $broken as the first broken link when the owner role edits $edit",
    async ({ statements, broken }) => {
      const tenant = await newTenant("Tampered");
      for (let i = 0; i < 3; i++) await revokeAll(tenant);
      expect(await verdictOf(tenant)).toEqual(expect.objectContaining({ intact: true }));

      for (const statement of statements) await asOwner().query(statement, [tenant.orgId]);

      expect(await verdictOf(tenant)).toEqual(
        expect.objectContaining({ intact: false, firstBrokenSeq: broken }),
      );
    },
  );
});

/** An audited request (auth.sessions_revoked); answers its status. */
async function revokeAll(tenant: Tenant): Promise<number> {
  const res = await tenant.call("/api/v1/auth/sessions/revoke-all", { method: "POST", body: {} });
  return res.status;
}
