/**
 * Applies the migrations as the owner role, after making sure the runtime role exists.
 *
 * The runtime role is created here rather than in a migration because its password must not live
 * in the repository, and because on Neon roles made in the console get BYPASSRLS: made in SQL by the
 * owner, it gets exactly the attributes below.
 */
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

export const RUNTIME_ROLE = "gallo_app";
const MIGRATIONS = fileURLToPath(new URL("../../migrations", import.meta.url));

export async function migrateDatabase(options: {
  ownerUrl: string;
  /** Sets (or resets) the runtime role's password; omit to leave it as it is. */
  runtimePassword?: string;
}): Promise<void> {
  const client = new pg.Client({ connectionString: options.ownerUrl });
  await client.connect();
  try {
    await ensureRuntimeRole(client, options.runtimePassword);
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.end();
  }
}

async function ensureRuntimeRole(client: pg.Client, password?: string): Promise<void> {
  const role = client.escapeIdentifier(RUNTIME_ROLE);
  const { rowCount } = await client.query("select 1 from pg_roles where rolname = $1", [
    RUNTIME_ROLE,
  ]);
  if (!rowCount) {
    await client.query(
      `create role ${role} login nosuperuser nobypassrls nocreatedb nocreaterole noinherit`,
    );
  }
  // Checked every time: a role someone loosened by hand stops the migration (only a superuser
  // could tighten SUPERUSER or BYPASSRLS again, and the owner is none).
  const { rows } = await client.query(
    `select rolsuper or rolbypassrls or rolcreatedb or rolcreaterole as loose
       from pg_roles where rolname = $1`,
    [RUNTIME_ROLE],
  );
  if (rows[0]?.loose) {
    throw new Error(
      `role ${RUNTIME_ROLE} has SUPERUSER, BYPASSRLS, CREATEDB or CREATEROLE: remove them first`,
    );
  }
  if (password) await client.query(`alter role ${role} password ${client.escapeLiteral(password)}`);
  const database = client.escapeIdentifier(client.database ?? "");
  await client.query(`grant connect on database ${database} to ${role}`);
}
