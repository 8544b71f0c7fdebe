/** GET /api/v1/search?q=: people, companies and deals matching what the user typed, best first. */
import { Hono } from "hono";
import { z } from "zod";
import { ENTITIES } from "../../drizzle/schema.ts";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { type SearchHit, searchStatement } from "./search.query.ts";

const searchQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((q) => /[\p{L}\p{N}]/u.test(q), { error: "Type at least one letter or digit." }),
  /** Only these kinds of record (comma-separated); all by default. */
  kinds: z
    .string()
    .transform((s) => s.split(","))
    .pipe(z.array(z.enum(ENTITIES)).min(1))
    .optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const searchRoutes = new Hono<AppEnv>();
searchRoutes.use(requireSession);

searchRoutes.get("/", validate("query", searchQuery), async (c) => {
  const { q, kinds, limit } = c.req.valid("query");

  const [hits] = await asMember(c, "viewer", (db, { orgId }) => [
    db.execute<SearchHit>(searchStatement({ orgId, q, limit, kinds: kinds ?? ENTITIES })),
  ]);

  return c.json({ data: hits.rows });
});
