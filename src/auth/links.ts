import type { Context } from "hono";
import type { AppEnv } from "../env.ts";

/** An absolute link to a page of the web app, on the origin users reach us at. */
export function appLink(c: Context<AppEnv>, path: string, params: Record<string, string> = {}) {
  const url = new URL(path, c.env.APP_ORIGIN || new URL(c.req.url).origin);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}
