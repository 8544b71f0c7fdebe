/**
 * Audit retention: entries older than AUDIT_RETENTION_DAYS (wrangler.toml, default 400) are
 * removed by the database function `gallo_audit_purge`, the only way entries leave the log. It
 * refuses fewer than 30 days, so a wrong setting fails the job loudly instead of emptying the log.
 */
import { sql } from "drizzle-orm";
import { asSystem } from "../db/tenant.ts";
import type { Bindings } from "../env.ts";
import type { Logger } from "../lib/logger.ts";

export const DEFAULT_RETENTION_DAYS = 400;

/** The retention in whole days; an unreadable setting keeps entries for the default, and says so. */
export function retentionDays(env: Bindings, logger: Logger): number {
  const configured = env.AUDIT_RETENTION_DAYS;
  const days = Number(configured);
  if (configured !== undefined && Number.isSafeInteger(days)) return days;
  logger.warn("AUDIT_RETENTION_DAYS is not a whole number of days; using the default", {
    configured,
    days: DEFAULT_RETENTION_DAYS,
  });
  return DEFAULT_RETENTION_DAYS;
}

/** Purges the entries past retention in every organisation; answers what it did, for the log. */
export async function purgeAuditLog(env: Bindings, logger: Logger) {
  const days = retentionDays(env, logger);

  const [result] = await asSystem(env, logger, (db) => [
    db.execute<{ purged: number }>(
      sql`select gallo_audit_purge(make_interval(days => ${days}::int)) as purged`,
    ),
  ]);

  return { retentionDays: days, purged: Number(result.rows[0]?.purged ?? 0) };
}
