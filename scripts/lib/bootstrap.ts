/**
 * Creates the owner role and a database on a local cluster, as the superuser. Production skips this:
 * Neon provides the database and its owner role.
 */
import pg from "pg";
import { databaseUrl, OWNER, SUPERUSER } from "./local-config.ts";

export async function bootstrapLocalDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(SUPERUSER, port, "postgres") });
  await client.connect();
  try {
    const owner = client.escapeIdentifier(OWNER.user);
    const roles = await client.query("select 1 from pg_roles where rolname = $1", [OWNER.user]);
    // Like Neon's owner role: may create roles and bypasses RLS, but is no superuser.
    if (!roles.rowCount) {
      await client.query(
        `create role ${owner} login createrole bypassrls password ${client.escapeLiteral(OWNER.password)}`,
      );
    }
    const dbs = await client.query("select 1 from pg_database where datname = $1", [database]);
    // CREATE DATABASE refuses to run inside a transaction or beside other statements.
    if (!dbs.rowCount) {
      await client.query(`create database ${client.escapeIdentifier(database)} owner ${owner}`);
    }
  } finally {
    await client.end();
  }
}
