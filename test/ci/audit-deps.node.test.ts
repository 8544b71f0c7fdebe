/**
 * The dependency vulnerability check of `npm run check` (scripts/audit-deps.ts): how each way
 * `npm audit` can end is judged (scripts/lib/dependency-audit.ts), and the script itself, run here
 * where the registry answers its audit endpoint with 405, skips without failing.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { type AuditRun, judgeAudit } from "../../scripts/lib/dependency-audit.ts";

const run = promisify(execFile);

/** npm 11's --json report, with `found` as its vulnerabilities by package name. */
function report(found: Record<string, "low" | "moderate" | "high" | "critical">) {
  const count = (severity: string) => Object.values(found).filter((s) => s === severity).length;
  return JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: Object.fromEntries(
      Object.entries(found).map(([name, severity]) => [name, { name, severity }]),
    ),
    metadata: {
      vulnerabilities: {
        info: 0,
        low: count("low"),
        moderate: count("moderate"),
        high: count("high"),
        critical: count("critical"),
        total: Object.keys(found).length,
      },
    },
  });
}

const ended = (run: Partial<AuditRun>): AuditRun => ({
  exitCode: 1,
  stdout: "",
  stderr: "",
  timedOut: false,
  ...run,
});

const CASES: { when: string; run: AuditRun; outcome: string; says: string }[] = [
  {
    when: "no advisory at all",
    run: ended({ exitCode: 0, stdout: report({}) }),
    outcome: "passed",
    says: "no high or critical advisory in production dependencies (0 of lower severity)",
  },
  {
    when: "only low and moderate advisories",
    run: ended({ exitCode: 0, stdout: report({ a: "low", b: "moderate" }) }),
    outcome: "passed",
    says: "(2 of lower severity)",
  },
  {
    when: "a high advisory",
    run: ended({ stdout: report({ hono: "high", zod: "low" }) }),
    outcome: "failed",
    says: "0 critical and 1 high advisories in production dependencies: hono (high)",
  },
  {
    when: "a critical advisory",
    run: ended({ stdout: report({ pg: "critical", uuid: "high" }) }),
    outcome: "failed",
    says: "1 critical and 1 high advisories in production dependencies: pg (critical), uuid (high)",
  },
  {
    when: "the audit endpoint answers 405 (as here)",
    run: ended({
      stdout: JSON.stringify({
        message:
          "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
        statusCode: 405,
        error: { summary: "", detail: "" },
      }),
      stderr: "npm error audit endpoint returned an error\n",
    }),
    outcome: "skipped",
    says: "unreachable (HTTP 405: 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk)",
  },
  {
    when: "the endpoint answers 503",
    run: ended({ stdout: JSON.stringify({ statusCode: 503, message: "Service Unavailable" }) }),
    outcome: "skipped",
    says: "unreachable (HTTP 503: Service Unavailable)",
  },
  {
    when: "there is no network",
    run: ended({
      stdout: JSON.stringify({
        error: { code: "ENOTFOUND", summary: "request to https://registry.npmjs.org failed" },
      }),
    }),
    outcome: "skipped",
    says: "unreachable (ENOTFOUND: request to https://registry.npmjs.org failed)",
  },
  {
    when: "npm prints no JSON at all",
    run: ended({ stderr: "npm error audit endpoint returned an error\nnpm error A complete log…" }),
    outcome: "skipped",
    says: "unreachable (audit endpoint returned an error)",
  },
  {
    when: "npm audit does not answer in time",
    run: ended({ exitCode: null, timedOut: true }),
    outcome: "skipped",
    says: "unreachable (no answer within 60 s)",
  },
  {
    when: "npm cannot be started",
    run: ended({ exitCode: null, startError: "ENOENT" }),
    outcome: "skipped",
    says: "(npm audit could not start: ENOENT)",
  },
];

describe("the dependency vulnerability check", () => {
  it.each(CASES)("with $when: $outcome", ({ run, outcome, says }) => {
    const verdict = judgeAudit(run, 60);

    expect(verdict.outcome).toBe(outcome);
    expect(verdict.message).toContain(says);
    expect(verdict.message).toMatch(
      outcome === "skipped"
        ? /^vulnerability check skipped: the registry's audit service is unreachable \(/
        : new RegExp(`^vulnerability check ${outcome}`),
    );
  });

  it("skips without failing here, where the registry answers 405, and says why", async () => {
    const { stdout } = await run(process.execPath, ["scripts/audit-deps.ts"], {
      env: { ...process.env, AUDIT_DEPS_TIMEOUT_SECONDS: "20" },
    });

    expect(stdout).toMatch(
      /^vulnerability check (skipped: the registry's audit service is unreachable \(|passed)/,
    );
  });

  it("gives up after its timeout instead of hanging the build", async () => {
    const started = Date.now();

    const { stdout } = await run(process.execPath, ["scripts/audit-deps.ts"], {
      env: { ...process.env, AUDIT_DEPS_TIMEOUT_SECONDS: "0.01" },
    });

    expect(stdout).toBe(
      "vulnerability check skipped: the registry's audit service is unreachable (no answer within 0.01 s)\n",
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
