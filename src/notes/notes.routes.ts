/**
 * Notes API: Markdown notes on a company, person or deal. Everyone reads them (with `bodyHtml`,
 * rendered and sanitised on read); members write them; the author, or an admin or owner, edits,
 * trashes and restores one. Each change is noted on the record's timeline in the same batch.
 */
import { Hono } from "hono";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { newId } from "../lib/ids.ts";
import { checked } from "../records/guards.ts";
import { Issues } from "../records/issues.ts";
import { checkLinkedRecord, linkedRecordQuery } from "../records/linked-record.ts";
import { decodeCursor, pageOf } from "../records/list-page.ts";
import { recordIdParam } from "../records/record.schema.ts";
import { one } from "../records/rows.ts";
import { renderMarkdown } from "./markdown.ts";
import {
  createNote,
  findNoteById,
  listNotes,
  NOTE_ORDER,
  restoreNote,
  trashNote,
  updateNote,
} from "./notes.queries.ts";
import { createNoteBody, listNotesQuery, updateNoteBody } from "./notes.schema.ts";

export const noteRoutes = new Hono<AppEnv>();
noteRoutes.use(requireSession);

noteRoutes.get("/", validate("query", listNotesQuery), async (c) => {
  const { limit, cursor, recordType, recordId } = c.req.valid("query");
  const after = decodeCursor(NOTE_ORDER, cursor);
  const record = recordType && recordId ? { recordType, recordId } : undefined;

  const [rows, [counted]] = await asMember(c, "viewer", (db, { orgId }) =>
    listNotes({ db, orgId, record, cursor: after, limit }),
  );

  const page = pageOf(rows, limit, NOTE_ORDER);
  return c.json({ ...page, data: page.data.map(present), total: counted?.total ?? 0 });
});

noteRoutes.post("/", validate("json", createNoteBody), async (c) => {
  const { recordType, recordId, body } = c.req.valid("json");
  const issues = new Issues(c.get("locale"));

  const [found] = await asMember(c, "member", (db, { orgId }) => [
    linkedRecordQuery(db, orgId, { recordType, recordId }),
  ]);

  checkLinkedRecord({ recordId }, found, issues);
  issues.throwIfAny();

  const id = newId();
  const [, , [note]] = await asMember(c, "member", (db, { orgId, userId }) =>
    createNote({ db, orgId, actorId: userId, id, recordType, recordId, body }),
  );

  return c.json({ data: present(one(note ? [note] : [])) }, 201);
});

noteRoutes.get("/:id", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [found] = await asMember(c, "viewer", (db, { orgId }) => [findNoteById({ db, orgId, id })]);

  return c.json({ data: present(one(found)) });
});

noteRoutes.patch(
  "/:id",
  validate("param", recordIdParam),
  validate("json", updateNoteBody),
  async (c) => {
    const { id } = c.req.valid("param");
    const { body, version } = c.req.valid("json");

    const [, , , , found] = await checked(
      asMember(c, "member", (db, { orgId, userId }) =>
        updateNote({ db, orgId, actorId: userId, id, version, body }),
      ),
    );

    return c.json({ data: present(one(found)) });
  },
);

noteRoutes.delete("/:id", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  await checked(
    asMember(c, "member", (db, { orgId, userId }) => trashNote({ db, orgId, actorId: userId, id })),
  );

  return c.body(null, 204);
});

noteRoutes.post("/:id/restore", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [, , , , found] = await checked(
    asMember(c, "member", (db, { orgId, userId }) =>
      restoreNote({ db, orgId, actorId: userId, id }),
    ),
  );

  return c.json({ data: present(one(found)) });
});

/** A note as the API shows it: its Markdown and the safe HTML rendered from it. */
function present<Row extends { body: string }>(row: Row) {
  return { ...row, bodyHtml: renderMarkdown(row.body) };
}
