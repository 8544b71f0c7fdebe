/**
 * Fail safe: before serving, the Worker proves once per isolate (and per database URL) that the
 * role it connects as cannot bypass row-level security and that every table with `org_id` has row
 * security enabled and forced. If not, every request answers 503 and the reason is logged.
 */
import type { Bindings } from "../env.ts";
import { AppError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { rawClient } from "./client.ts";

const checked = new Map<string, Promise<string[]>>();

const CHECK = `
select r.rolsuper, r.rolbypassrls,
  (select count(*)::int from pg_class c where c.relowner = r.oid) as owned,
  (select coalesce(array_agg(format('%I.%I', n.nspname, c.relname) order by 1), '{}')
     from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p')
      and n.nspname not in ('pg_catalog', 'information_schema')
      and exists (select 1 from pg_attribute a
                   where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped)
      and not (c.relrowsecurity and c.relforcerowsecurity)) as unprotected
from pg_roles r where r.rolname = current_user`;

type CheckRow = { rolsuper: boolean; rolbypassrls: boolean; owned: number; unprotected: string[] };

/** Throws UNSAFE_DATABASE_ROLE while the database is unsafe; checks at most once per URL. */
export async function ensureSafeDatabase(env: Bindings, logger: Logger): Promise<void> {
  let pending = checked.get(env.DATABASE_URL);
  if (!pending) {
    pending = findProblems(env);
    checked.set(env.DATABASE_URL, pending);
    // A failed check (database unreachable) is retried on the next request, not cached.
    pending.catch(() => checked.delete(env.DATABASE_URL));
  }
  let problems: string[];
  try {
    problems = await pending;
  } catch (error) {
    throw new AppError("DATABASE_UNAVAILABLE", { cause: error });
  }
  if (problems.length === 0) return;
  logger.error("refusing to serve: database is not safe for tenants", { problems });
  throw new AppError("UNSAFE_DATABASE_ROLE", { cause: new Error(problems.join("; ")) });
}

async function findProblems(env: Bindings): Promise<string[]> {
  const rows = (await rawClient(env).query(CHECK)) as CheckRow[];
  const row = rows[0];
  if (!row) return ["the connected role was not found in pg_roles"];
  const problems: string[] = [];
  if (row.rolsuper) problems.push("the runtime role is a superuser");
  if (row.rolbypassrls) problems.push("the runtime role has BYPASSRLS");
  if (row.owned > 0) problems.push(`the runtime role owns ${row.owned} relation(s)`);
  for (const table of row.unprotected) {
    problems.push(`table ${table} has org_id but row security is not enabled and forced`);
  }
  return problems;
}
