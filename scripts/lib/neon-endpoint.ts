/**
 * A local stand-in for Neon's serverless endpoint, so the Worker talks to the embedded Postgres with
 * the very driver (`@neondatabase/serverless`) it uses in production.
 *
 * Two paths, as the driver uses them:
 * - `POST /sql`: one statement (`{query, params}`) or a batch (`{queries: [...]}`) that runs as one
 *   transaction on one connection. Cells are returned as Postgres text; the driver parses them.
 * - WebSocket (any path): piped byte for byte to Postgres' TCP port, for `Pool`/`Client` sessions.
 *
 * It also counts statements per request so the benchmark and tests can check round trips.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import pg from "pg";
import { WebSocketServer } from "ws";

type Query = { query: string; params?: unknown[] };
type Stats = { httpRequests: number; statements: number; websocketSessions: number };

export type NeonEndpoint = {
  /** `host:port` the endpoint listens on. */
  address: string;
  stats: Stats;
  close(): Promise<void>;
};

const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

const ISOLATION: Record<string, string> = {
  ReadUncommitted: "read uncommitted",
  ReadCommitted: "read committed",
  RepeatableRead: "repeatable read",
  Serializable: "serializable",
};

// Cells must reach the driver as Postgres text, so every type parser is the identity.
const rawTypes = { getTypeParser: () => (value: string) => value };

/** Starts the endpoint on 127.0.0.1 (port 0 picks a free one). */
export async function startNeonEndpoint(options: { port: number }): Promise<NeonEndpoint> {
  const pools = new Map<string, pg.Pool>();
  const stats: Stats = { httpRequests: 0, statements: 0, websocketSessions: 0 };

  const poolFor = (connectionString: string): pg.Pool => {
    let pool = pools.get(connectionString);
    if (!pool) {
      pool = new pg.Pool({ connectionString, max: 20, types: rawTypes });
      // An idle client's error (e.g. the server stopping) must not crash the endpoint.
      pool.on("error", () => {});
      pools.set(connectionString, pool);
    }
    return pool;
  };

  const server = createServer((req, res) => {
    handleSql(req, res, poolFor, stats).catch((error: unknown) => {
      sendJson(res, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });

  const wss = new WebSocketServer({ server });
  // ws re-emits the server's errors (a port in use): the listen promise below reports them.
  wss.on("error", () => {});
  wss.on("connection", (socket, request) => {
    stats.websocketSessions++;
    const target = new URL(`http://${request.headers.host ?? ""}`);
    // The driver puts the Postgres host in `?address=host:port`; fall back to the URL's own port.
    const address = new URL(request.url ?? "/", "http://x").searchParams.get("address") ?? "";
    const [host, port] = address.includes(":") ? address.split(":") : [target.hostname, "5432"];
    const tcp = connect({ host: host === "localhost" ? "127.0.0.1" : host, port: Number(port) });
    tcp.on("data", (chunk) => socket.send(chunk));
    tcp.on("close", () => socket.close());
    tcp.on("error", () => socket.close());
    socket.on("message", (data) => tcp.write(data as Buffer));
    socket.on("close", () => tcp.end());
    socket.on("error", () => tcp.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    stats,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...pools.values()].map((pool) => pool.end()));
    },
  };
}

async function handleSql(
  req: IncomingMessage,
  res: ServerResponse,
  poolFor: (connectionString: string) => pg.Pool,
  stats: Stats,
): Promise<void> {
  if (req.method !== "POST" || !req.url?.startsWith("/sql")) {
    sendJson(res, 404, { message: "not found" });
    return;
  }
  const connectionString = header(req, "neon-connection-string");
  if (!connectionString) {
    sendJson(res, 400, { message: "missing Neon-Connection-String header" });
    return;
  }
  const body = JSON.parse(await readBody(req)) as Query | { queries: Query[] };
  stats.httpRequests++;

  const client = await poolFor(localise(connectionString)).connect();
  // A connection that failed outside Postgres' own error handling is discarded, not reused.
  let broken = false;
  try {
    if ("queries" in body) {
      const results = await runBatch(client, body.queries, req, stats);
      sendJson(res, 200, { results });
    } else {
      stats.statements++;
      sendJson(res, 200, await runOne(client, body));
    }
  } catch (error) {
    if (!isPostgresError(error)) {
      broken = true;
      throw error;
    }
    sendJson(res, 400, postgresErrorBody(error));
  } finally {
    client.release(broken);
  }
}

async function runBatch(
  client: pg.PoolClient,
  queries: Query[],
  req: IncomingMessage,
  stats: Stats,
): Promise<unknown[]> {
  const isolation = ISOLATION[header(req, "neon-batch-isolation-level") ?? ""];
  const readOnly = header(req, "neon-batch-read-only") === "true";
  const deferrable = header(req, "neon-batch-deferrable") === "true";
  const modes = [
    isolation ? `isolation level ${isolation}` : "",
    readOnly ? "read only" : "",
    deferrable ? "deferrable" : "",
  ].filter(Boolean);

  await client.query(`begin ${modes.join(", ")}`);
  try {
    const results: unknown[] = [];
    for (const query of queries) {
      stats.statements++;
      results.push(await runOne(client, query));
    }
    await client.query("commit");
    return results;
  } catch (error) {
    await client.query("rollback");
    throw error;
  }
}

async function runOne(client: pg.PoolClient, { query, params }: Query) {
  // Extended protocol, as Neon uses it: one request holds exactly one statement.
  const result = await client.query({
    text: query,
    values: params ?? [],
    rowMode: "array",
    queryMode: "extended",
  } as pg.QueryConfig);
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: result.rows,
    fields: result.fields.map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: f.format,
    })),
    rowAsArray: true,
  };
}

/** The driver may be given `localhost`; pin loopback so nothing resolves elsewhere. */
function localise(connectionString: string): string {
  const url = new URL(connectionString);
  if (url.hostname === "localhost") url.hostname = "127.0.0.1";
  return url.toString();
}

function isPostgresError(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError;
}

function postgresErrorBody(error: pg.DatabaseError): Record<string, unknown> {
  const body: Record<string, unknown> = { message: error.message };
  for (const field of ERROR_FIELDS) body[field] = error[field];
  return body;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
