/**
 * `npm run audit:verify -- --org <id>` (scripts/audit-verify.ts), run as a process against the
 * test database with DATABASE_OWNER_URL, as an operator would against Neon.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, newOrganisation, type Org, urls, writeEntries } from "./pg.ts";

const run = promisify(execFile);

let runtime: pg.Client;
let owner: pg.Client;

beforeAll(async () => {
  [runtime, owner] = await Promise.all([client(urls.runtime()), client(urls.owner())]);
});

afterAll(async () => {
  await Promise.all([runtime.end(), owner.end()]);
});

describe("npm run audit:verify", () => {
  it("says the chain is intact and exits 0", async () => {
    const org = await orgWithEntries();

    const result = await verifyCommand(["--org", org.orgId]);

    expect(result).toEqual({
      code: 0,
      stdout: `audit chain of ${org.orgId}: intact, 3 entries (seq 1 to 3)\n`,
      stderr: "",
    });
  });

  it("names the first broken link and exits 1 after the owner edited an entry", async () => {
    const org = await orgWithEntries();
    await owner.query("update audit_log set action = 'edited' where org_id = $1 and seq = 2", [
      org.orgId,
    ]);

    const result = await verifyCommand(["--org", org.orgId]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `audit chain of ${org.orgId}: BROKEN at seq 2 (entries seq 1 to 3)\n`,
    );
  });

  it("says so when the organisation has no entries", async () => {
    const orgId = crypto.randomUUID();

    const result = await verifyCommand(["--org", orgId]);

    expect(result).toEqual({
      code: 0,
      stdout: `audit chain of ${orgId}: no entries\n`,
      stderr: "",
    });
  });

  it.each([[[]], [["--org", "42"]], [["--org", "x'; drop table audit_log; --"]]])(
    "refuses %j with its usage and exit code 2",
    async (args) => {
      const result = await verifyCommand(args);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain("usage: npm run audit:verify -- --org <organisation id");
    },
  );
});

async function orgWithEntries(): Promise<Org> {
  const org = await newOrganisation(runtime);
  await writeEntries(runtime, org, ["auth.registered", "auth.login", "auth.logout"]);
  return org;
}

async function verifyCommand(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["scripts/audit-verify.ts", ...args], {
      env: { ...process.env, DATABASE_OWNER_URL: urls.owner() },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
