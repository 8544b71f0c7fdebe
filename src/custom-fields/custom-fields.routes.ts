/**
 * Custom fields API: admins and owners define fields per kind of record (text, number, date,
 * select, multiselect, boolean, url); everyone reads the definitions. Values live in each
 * record's `custom` object and are checked against these definitions (./values.ts).
 */
import { Hono } from "hono";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { Issues, refusingDuplicates } from "../records/issues.ts";
import { decodeCursor, pageOf } from "../records/list-page.ts";
import {
  CUSTOM_FIELD_SORT,
  createCustomField,
  deleteCustomField,
  findCustomFieldById,
  listCustomFields,
  updateCustomField,
} from "./custom-fields.queries.ts";
import {
  createCustomFieldBody,
  customFieldIdParam,
  hasOptions,
  listCustomFieldsQuery,
  updateCustomFieldBody,
} from "./custom-fields.schema.ts";

export const customFieldRoutes = new Hono<AppEnv>();
customFieldRoutes.use(requireSession);

customFieldRoutes.get("/", validate("query", listCustomFieldsQuery), async (c) => {
  const { entity, limit, cursor } = c.req.valid("query");
  const after = decodeCursor(CUSTOM_FIELD_SORT, cursor);

  const [rows, [count]] = await asMember(c, "viewer", (db, { orgId }) =>
    listCustomFields({ db, orgId, entity, cursor: after, limit }),
  );

  return c.json({ ...pageOf(rows, limit, CUSTOM_FIELD_SORT), total: count?.total });
});

customFieldRoutes.post("/", validate("json", createCustomFieldBody), async (c) => {
  const fields = c.req.valid("json");

  const [rows] = await refusingDuplicates(
    asMember(c, "admin", (db, { orgId }) => [
      createCustomField({ db, orgId, id: newId(), fields }),
    ]),
    {
      locale: c.get("locale"),
      path: "key",
      message: {
        en: "A field with this key already exists for this kind of record.",
        "pt-BR": "Já existe um campo com esta chave para este tipo de registro.",
      },
    },
  );

  return c.json({ data: rows[0] }, 201);
});

customFieldRoutes.patch(
  "/:id",
  validate("param", customFieldIdParam),
  validate("json", updateCustomFieldBody),
  async (c) => {
    const { id } = c.req.valid("param");
    const fields = c.req.valid("json");

    const [found] = await asMember(c, "admin", (db, { orgId }) => [
      findCustomFieldById({ db, orgId, id }),
    ]);

    const field = found[0];
    if (!field) throw new AppError("NOT_FOUND");
    if (fields.options && !hasOptions(field.type)) {
      const issues = new Issues(c.get("locale"));
      issues.add("options", {
        en: "Only select and multiselect fields have options.",
        "pt-BR": "Só campos de seleção única ou múltipla têm opções.",
      });
      issues.throwIfAny();
    }

    const [rows] = await asMember(c, "admin", (db, { orgId }) => [
      updateCustomField({ db, orgId, id, fields }),
    ]);

    if (!rows[0]) throw new AppError("NOT_FOUND");
    return c.json({ data: rows[0] });
  },
);

customFieldRoutes.delete("/:id", validate("param", customFieldIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [deleted] = await asMember(c, "admin", (db, { orgId }) => [
    deleteCustomField({ db, orgId, id }),
  ]);

  if (deleted.rows.length === 0) throw new AppError("NOT_FOUND");
  return c.body(null, 204);
});
