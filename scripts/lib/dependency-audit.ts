/**
 * What `npm audit --omit=dev --audit-level=high --json` said, judged: production dependencies
 * with a high or critical advisory fail the check; a registry whose audit service cannot be
 * reached (an HTTP error such as 405, no network, a timeout) skips it, saying why, instead of
 * failing every build or hanging it.
 */

/** How one run of npm audit ended. */
export type AuditRun = {
  /** Null when the process did not exit by itself (killed, or never started). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the process could not be started at all. */
  startError?: string;
};

export type Verdict = { outcome: "passed" | "failed" | "skipped"; message: string };

type Severity = "info" | "low" | "moderate" | "high" | "critical";

type AuditReport = {
  metadata?: { vulnerabilities?: Partial<Record<Severity | "total", number>> };
  vulnerabilities?: Record<string, { severity?: Severity }>;
  error?: { code?: string; summary?: string; detail?: string };
  statusCode?: number;
  message?: string;
};

/** The verdict on `run`; `timeoutSeconds` only words the message. */
export function judgeAudit(run: AuditRun, timeoutSeconds: number): Verdict {
  if (run.timedOut) return skipped(`no answer within ${timeoutSeconds} s`);
  if (run.startError) return skipped(`npm audit could not start: ${run.startError}`);

  const report = parse(run.stdout);
  const counts = report?.metadata?.vulnerabilities;
  if (counts) {
    const serious = Object.entries(report.vulnerabilities ?? {})
      .filter(([, v]) => v.severity === "high" || v.severity === "critical")
      .map(([name, v]) => `${name} (${v.severity})`)
      .sort();
    const total = (counts.high ?? 0) + (counts.critical ?? 0);
    if (total > 0 || serious.length > 0) {
      return {
        outcome: "failed",
        message: `vulnerability check failed: ${counts.critical ?? 0} critical and ${counts.high ?? 0} high advisories in production dependencies: ${serious.join(", ")}. Run npm audit --omit=dev for details.`,
      };
    }
    return {
      outcome: "passed",
      message: `vulnerability check passed: no high or critical advisory in production dependencies (${counts.total ?? 0} of lower severity)`,
    };
  }

  if (run.exitCode === 0) {
    return { outcome: "passed", message: "vulnerability check passed: npm audit found nothing" };
  }
  return skipped(reasonOf(report, run));
}

function skipped(reason: string): Verdict {
  return {
    outcome: "skipped",
    message: `vulnerability check skipped: the registry's audit service is unreachable (${reason})`,
  };
}

function reasonOf(report: AuditReport | undefined, run: AuditRun): string {
  if (report?.statusCode) return `HTTP ${report.statusCode}: ${report.message ?? ""}`.trim();
  const error = report?.error;
  if (error?.code || error?.summary) {
    return [error.code, error.summary].filter(Boolean).join(": ");
  }
  const line = run.stderr
    .split("\n")
    .map((l) => l.replace(/^npm (error|warn|ERR!)\s*/, "").trim())
    .find((l) => l && !l.startsWith("A complete log"));
  return line ?? `npm audit exited with code ${run.exitCode}`;
}

function parse(stdout: string): AuditReport | undefined {
  try {
    const value: unknown = JSON.parse(stdout);
    return value && typeof value === "object" ? (value as AuditReport) : undefined;
  } catch {
    return undefined;
  }
}
