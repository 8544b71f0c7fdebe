/**
 * GET /api/v1/trash: what was deleted in the last 30 days, newest first, of every kind or one
 * (`?kind=person|company|deal`). Restoring is `POST /api/v1/<kind>/:id/restore`.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ENTITIES } from "../../drizzle/schema.ts";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { decodeCursor, pageOf } from "../records/list-page.ts";
import { listTrash, TRASH_SORT } from "./trash.queries.ts";

const trashQuery = z.strictObject({
  kind: z.enum(ENTITIES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2000).optional(),
});

export const trashRoutes = new Hono<AppEnv>();
trashRoutes.use(requireSession);

trashRoutes.get("/", validate("query", trashQuery), async (c) => {
  const { kind, limit, cursor } = c.req.valid("query");
  const after = decodeCursor(TRASH_SORT, cursor);

  const [rows, count] = await asMember(c, "viewer", (db, { orgId }) =>
    listTrash({ db, orgId, kind, cursor: after, limit }),
  );

  return c.json({ ...pageOf(rows.rows, limit, TRASH_SORT), total: count.rows[0]?.total ?? 0 });
});
