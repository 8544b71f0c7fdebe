/**
 * Tags API. Each tag is for one kind of record (person, company, deal); records carry tag ids.
 * Everyone reads them; admins and owners define, rename and delete them.
 */
import { Hono } from "hono";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { type Message, refusingDuplicates } from "../records/issues.ts";
import { decodeCursor, pageOf } from "../records/list-page.ts";
import { createTag, deleteTag, listTags, TAG_SORT, updateTag } from "./tags.queries.ts";
import { createTagBody, listTagsQuery, tagIdParam, updateTagBody } from "./tags.schema.ts";

const DUPLICATE: Message = {
  en: "A tag with this name already exists for this kind of record.",
  "pt-BR": "Já existe uma etiqueta com este nome para este tipo de registro.",
};

export const tagRoutes = new Hono<AppEnv>();
tagRoutes.use(requireSession);

tagRoutes.get("/", validate("query", listTagsQuery), async (c) => {
  const { entity, limit, cursor } = c.req.valid("query");
  const after = decodeCursor(TAG_SORT, cursor);

  const [rows, [count]] = await asMember(c, "viewer", (db, { orgId }) =>
    listTags({ db, orgId, entity, cursor: after, limit }),
  );

  return c.json({ ...pageOf(rows, limit, TAG_SORT), total: count?.total });
});

tagRoutes.post("/", validate("json", createTagBody), async (c) => {
  const fields = c.req.valid("json");

  const [rows] = await refusingDuplicates(
    asMember(c, "admin", (db, { orgId }) => [createTag({ db, orgId, id: newId(), fields })]),
    { locale: c.get("locale"), path: "name", message: DUPLICATE },
  );

  return c.json({ data: rows[0] }, 201);
});

tagRoutes.patch(
  "/:id",
  validate("param", tagIdParam),
  validate("json", updateTagBody),
  async (c) => {
    const { id } = c.req.valid("param");
    const fields = c.req.valid("json");

    const [rows] = await refusingDuplicates(
      asMember(c, "admin", (db, { orgId }) => [updateTag({ db, orgId, id, fields })]),
      { locale: c.get("locale"), path: "name", message: DUPLICATE },
    );

    if (!rows[0]) throw new AppError("NOT_FOUND");
    return c.json({ data: rows[0] });
  },
);

tagRoutes.delete("/:id", validate("param", tagIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [, , , deleted] = await asMember(c, "admin", (db, { orgId }) =>
    deleteTag({ db, orgId, id }),
  );

  if (!deleted[0]) throw new AppError("NOT_FOUND");
  return c.body(null, 204);
});
