/**
 * Tags API. Each tag is for one kind of record (person, company, deal); records carry tag ids.
 * Everyone reads them; admins and owners define, rename and delete them.
 */
import { Hono } from "hono";
import { requireSession } from "../access/session.ts";
import { asMember, sqlState } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { Issues } from "../records/issues.ts";
import { decodeCursor, pageOf } from "../records/list-page.ts";
import { createTag, deleteTag, listTags, TAG_SORT, updateTag } from "./tags.queries.ts";
import { createTagBody, listTagsQuery, tagIdParam, updateTagBody } from "./tags.schema.ts";

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
    c.get("locale"),
    asMember(c, "admin", (db, { orgId }) => [createTag({ db, orgId, id: newId(), fields })]),
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
      c.get("locale"),
      asMember(c, "admin", (db, { orgId }) => [updateTag({ db, orgId, id, fields })]),
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

/** A second tag with the same name (ignoring case) for the same kind of record is a 400 on name. */
async function refusingDuplicates<T>(
  locale: ConstructorParameters<typeof Issues>[0],
  batch: Promise<T>,
): Promise<T> {
  try {
    return await batch;
  } catch (error) {
    if (sqlState(error) !== "23505") throw error;
    const issues = new Issues(locale);
    issues.add("name", {
      en: "A tag with this name already exists for this kind of record.",
      "pt-BR": "Já existe uma etiqueta com este nome para este tipo de registro.",
    });
    issues.throwIfAny();
    throw error;
  }
}
