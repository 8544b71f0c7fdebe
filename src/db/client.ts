/**
 * Builds the drizzle client over Neon's HTTP driver. Only `db/` may import the driver (a lint rule
 * enforces it): everything else reaches the database through `db/tenant.ts`.
 */
import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import type { Bindings } from "../env.ts";

export type Db = NeonHttpDatabase<Record<string, never>>;

let configuredEndpoint: string | undefined;

/** Points the driver at the local endpoint in dev and tests; production keeps Neon's defaults. */
function configureLocalEndpoint(endpoint: string | undefined): void {
  if (!endpoint || endpoint === configuredEndpoint) return;
  configuredEndpoint = endpoint;
  neonConfig.fetchEndpoint = `http://${endpoint}/sql`;
  neonConfig.wsProxy = (host, port) => `${endpoint}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  // The default pipelining fails against SCRAM authentication on a plain Postgres.
  neonConfig.pipelineConnect = false;
}

/** The raw driver, for the few catalog queries that are not drizzle queries. */
export function rawClient(env: Bindings) {
  configureLocalEndpoint(env.NEON_LOCAL_ENDPOINT);
  return neon(env.DATABASE_URL);
}

export function database(env: Bindings): Db {
  return drizzle({ client: rawClient(env) });
}
