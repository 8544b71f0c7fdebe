/**
 * The scheduled purge of the trash (wrangler.toml `[triggers] crons`): once a night, records
 * deleted more than 30 days ago are deleted for good, in every organisation.
 */
import { purgeTrash } from "../db/tenant.ts";
import type { Bindings } from "../env.ts";
import { newRequestId } from "../lib/ids.ts";
import { createLogger } from "../lib/logger.ts";
import { TRASH_DAYS } from "../records/trash.ts";

/** The Worker's `scheduled` handler. A failure is logged and rethrown, so the run shows as failed. */
export async function scheduled(controller: ScheduledController, env: Bindings): Promise<void> {
  const logger = createLogger({ requestId: newRequestId(), job: "purge-trash" });
  try {
    const purged = await purgeTrash(env, logger, TRASH_DAYS);
    logger.info("trash purged", { cron: controller.cron, purged });
  } catch (error) {
    logger.error("trash purge failed", { cron: controller.cron, error });
    throw error;
  }
}
