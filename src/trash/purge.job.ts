/**
 * The nightly purge of the trash, one of the scheduled jobs (src/jobs/scheduled.ts): records
 * deleted more than 30 days ago are deleted for good, in every organisation, through the
 * database function `gallo_purge_trash`.
 */
import { purgeTrash } from "../db/tenant.ts";
import type { Bindings } from "../env.ts";
import type { Logger } from "../lib/logger.ts";
import { TRASH_DAYS } from "../records/trash.ts";

/** Purges the old trash; answers how many rows of each kind went, for the log. */
export async function purgeOldTrash(env: Bindings, logger: Logger) {
  return { purged: await purgeTrash(env, logger, TRASH_DAYS) };
}
