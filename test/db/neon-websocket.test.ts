import { Client, neonConfig } from "@neondatabase/serverless";
import { describe, expect, inject, it } from "vitest";
import { newTenant } from "../support/api.ts";

// The same settings src/db/client.ts applies for the local endpoint.
const endpoint = inject("neonEndpoint");
neonConfig.wsProxy = (host, port) => `${endpoint}/v2?address=${host}:${port}`;
neonConfig.useSecureWebSocket = false;
neonConfig.pipelineConnect = false;

describe("the local Neon endpoint's WebSocket path", () => {
  it("runs an interactive transaction as the runtime role, scoped by the tenant claim", async () => {
    const tenant = await newTenant("WS");
    await tenant.call("/api/v1/people", { method: "POST", body: { firstName: "Iara" } });
    const client = new Client({ connectionString: inject("databaseUrl") });
    // The socket closing after `end()` surfaces as an 'error' event in workerd; nothing is lost.
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query("begin");
      await client.query("select set_config('app.org_id', $1, true)", [tenant.orgId]);
      const inside = await client.query("select first_name from people");
      await client.query("commit");

      // Same connection, next transaction: the local claim is gone, so nothing is visible.
      const after = await client.query("select count(*)::int as n from people");

      expect(inside.rows).toEqual([{ first_name: "Iara" }]);
      expect(after.rows).toEqual([{ n: 0 }]);
      const who = await client.query("select current_user as role");
      expect(who.rows[0]).toEqual({ role: "gallo_app" });
    } finally {
      await client.end();
    }
  });
});
