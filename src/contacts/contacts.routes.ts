/** Contacts API: create, read, list (keyset pagination), update, delete, in the session's org. */
import { Hono } from "hono";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import {
  createContact,
  deleteContact,
  findContactById,
  listContacts,
  updateContact,
} from "./contacts.queries.ts";
import {
  contactIdParam,
  createContactBody,
  listContactsQuery,
  updateContactBody,
} from "./contacts.schema.ts";

export const contactRoutes = new Hono<AppEnv>();
contactRoutes.use(requireSession);

contactRoutes.get("/", validate("query", listContactsQuery), async (c) => {
  const { limit, cursor } = c.req.valid("query");

  const [rows] = await asMember(c, "viewer", (db, { orgId }) => [
    listContacts({ db, orgId, limit, cursor }),
  ]);

  const page = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? page.at(-1)?.id : undefined;
  return c.json({ data: page, nextCursor: nextCursor ?? null });
});

contactRoutes.post("/", validate("json", createContactBody), async (c) => {
  const fields = c.req.valid("json");

  const [rows] = await asMember(c, "member", (db, { orgId }) => [
    createContact({ db, orgId, id: newId(), fields }),
  ]);

  return c.json({ data: rows[0] }, 201);
});

contactRoutes.get("/:id", validate("param", contactIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [rows] = await asMember(c, "viewer", (db, { orgId }) => [
    findContactById({ db, orgId, id }),
  ]);

  const contact = rows[0];
  if (!contact) throw new AppError("NOT_FOUND");
  return c.json({ data: contact });
});

contactRoutes.patch(
  "/:id",
  validate("param", contactIdParam),
  validate("json", updateContactBody),
  async (c) => {
    const { id } = c.req.valid("param");
    const fields = c.req.valid("json");

    const [rows] = await asMember(c, "member", (db, { orgId }) => [
      updateContact({ db, orgId, id, fields }),
    ]);

    const contact = rows[0];
    if (!contact) throw new AppError("NOT_FOUND");
    return c.json({ data: contact });
  },
);

contactRoutes.delete("/:id", validate("param", contactIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [rows] = await asMember(c, "member", (db, { orgId }) => [deleteContact({ db, orgId, id })]);

  if (!rows[0]) throw new AppError("NOT_FOUND");
  return c.body(null, 204);
});
