/** `GET /health`: the process answers and the database is reachable and safe to serve from. */
import { Hono } from "hono";
import { pingDatabase } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";

export const healthRoutes = new Hono<AppEnv>();

healthRoutes.get("/", async (c) => {
  await pingDatabase(c);
  return c.json({ status: "ok", database: "ok" });
});
