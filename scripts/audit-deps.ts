/**
 * Dependency vulnerability check, run by `npm run check`: `npm audit --omit=dev
 * --audit-level=high`, bounded by a timeout (AUDIT_DEPS_TIMEOUT_SECONDS, default 60). Fails on
 * high or critical advisories in production dependencies; where the registry's audit service
 * cannot be reached it says so and does not fail (scripts/lib/dependency-audit.ts decides).
 */
import { execFile } from "node:child_process";
import { type AuditRun, judgeAudit } from "./lib/dependency-audit.ts";

const timeoutSeconds = Number(process.env.AUDIT_DEPS_TIMEOUT_SECONDS ?? 60);

const run = await new Promise<AuditRun>((resolve) => {
  execFile(
    "npm",
    ["audit", "--omit=dev", "--audit-level=high", "--json"],
    { timeout: timeoutSeconds * 1000, maxBuffer: 64 * 1024 * 1024 },
    (error, stdout, stderr) => {
      const failure = error as (NodeJS.ErrnoException & { killed?: boolean }) | null;
      resolve({
        exitCode: failure ? (typeof failure.code === "number" ? failure.code : null) : 0,
        stdout,
        stderr,
        timedOut: failure?.killed === true,
        startError: typeof failure?.code === "string" ? failure.code : undefined,
      });
    },
  );
});

const verdict = judgeAudit(run, timeoutSeconds);
process.stdout.write(`${verdict.message}\n`);
if (verdict.outcome === "failed") process.exitCode = 1;
