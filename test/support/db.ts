/**
 * Direct Postgres access from tests inside workerd, through the same Neon HTTP driver the Worker
 * uses and the local endpoint (see src/db/client.ts for the settings it mirrors).
 */
import { type FullQueryResults, neon, neonConfig } from "@neondatabase/serverless";
import { inject } from "vitest";

export type Sql = ReturnType<typeof connect>;
export type Result = FullQueryResults<false>;

/** A query function for `url`; every call answers `{ rows, rowCount, ... }`. */
export function connect(url: string) {
  neonConfig.fetchEndpoint = `http://${inject("neonEndpoint")}/sql`;
  return neon(url, { fullResults: true });
}

/**
 * Queries as the table owner, which bypasses row-level security: for set-up that no route offers
 * (yet) and for reading what a request wrote. Never for checking isolation, which must run as the
 * runtime role.
 */
export function asOwner(): Sql {
  return connect(inject("ownerUrl"));
}

/** The SQLSTATE of a failed query (the raw driver puts it on the error itself). */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Runs `run` and returns the SQLSTATE it failed with, or "none" if it succeeded. */
export async function failureOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "none";
  } catch (error) {
    return sqlState(error) ?? `no SQLSTATE: ${String(error)}`;
  }
}

/** `"name"`, for identifiers that come from the catalog. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
