/**
 * The Worker's `scheduled` handler (cron triggers in wrangler.toml): runs every job of `JOBS` in
 * order, each on its own, so one failing job neither stops nor hides the others. A run with a
 * failed job ends in an error, which Cloudflare records against the cron invocation.
 */
import { purgeAuditLog } from "../audit/retention.job.ts";
import type { Bindings } from "../env.ts";
import { missingSecrets } from "../http/required-secrets.ts";
import { newId } from "../lib/ids.ts";
import { createLogger, type Logger } from "../lib/logger.ts";
import { purgeOldTrash } from "../trash/purge.job.ts";

/** A unit of scheduled work; what it returns is logged when it succeeds. */
export type Job = {
  name: string;
  run(env: Bindings, logger: Logger): Promise<Record<string, unknown>>;
};

/** Every scheduled job, in the order they run. */
export const JOBS: readonly Job[] = [
  { name: "audit.purge", run: purgeAuditLog },
  { name: "trash.purge", run: purgeOldTrash },
];

export const scheduled: ExportedHandlerScheduledHandler<Bindings> = async (controller, env) => {
  const logger = createLogger({ cron: controller.cron, runId: newId() });
  const missing = missingSecrets(env);
  if (missing.length > 0) {
    logger.error("refusing to run scheduled jobs: required secrets are missing", { missing });
    throw new Error("scheduled jobs not run: required secrets are missing");
  }

  const failed = await runJobs(JOBS, env, logger);

  if (failed.length > 0) throw new Error(`scheduled jobs failed: ${failed.join(", ")}`);
};

/** Runs `jobs` one after the other; answers the names of those that failed. */
export async function runJobs(
  jobs: readonly Job[],
  env: Bindings,
  logger: Logger,
): Promise<string[]> {
  const failed: string[] = [];
  for (const job of jobs) {
    const started = Date.now();
    try {
      const outcome = await job.run(env, logger);
      logger.info("job done", { job: job.name, durationMs: Date.now() - started, ...outcome });
    } catch (error) {
      failed.push(job.name);
      logger.error("job failed", { job: job.name, durationMs: Date.now() - started, error });
    }
  }
  return failed;
}
