/**
 * Files API: attachments on a company, person or deal. Members ask for an upload (the server
 * records a pending file and answers where to PUT the bytes), upload, then complete it (the object
 * is checked against what was announced); everyone reads and downloads; members delete. Keys are
 * made by the server; every lookup runs under row-level security, so another organisation's file
 * id answers 404 on every route.
 */
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { auditEntry } from "../access/audit.ts";
import { minRoleFor } from "../access/roles.ts";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { checked, guard } from "../records/guards.ts";
import { linkedRecordQuery } from "../records/linked-record.ts";
import { recordIdParam } from "../records/record.schema.ts";
import { one } from "../records/rows.ts";
import { attachmentDisposition, cleanFileName } from "./file-name.ts";
import { createFile, deleteFile, findFileById, listFiles, markFileReady } from "./files.queries.ts";
import {
  ALLOWED_CONTENT_TYPES,
  createFileBody,
  essenceOf,
  listFilesQuery,
} from "./files.schema.ts";
import { objectKeyOf, presignCredentials, presignedUpload, UPLOAD_URL_SECONDS } from "./storage.ts";

export const fileRoutes = new Hono<AppEnv>();
fileRoutes.use(requireSession);

fileRoutes.get("/", validate("query", listFilesQuery), async (c) => {
  const { recordType, recordId } = c.req.valid("query");

  const [rows] = await asMember(c, minRoleFor("crm.read"), (db, { orgId }) => [
    listFiles({ db, orgId, recordType, recordId }),
  ]);

  return c.json({ data: rows });
});

fileRoutes.post("/", validate("json", createFileBody), async (c) => {
  const input = c.req.valid("json");
  const contentType = essenceOf(input.contentType);
  const locale = c.get("locale");

  if (!isAllowed(contentType)) throw new AppError("FILE_TYPE_NOT_ALLOWED");
  if (input.size > maxBytes(c.env.FILE_MAX_BYTES)) throw new AppError("FILE_TOO_LARGE");

  // A random (v4) id, not the time-ordered v7 of records: it is half of the object key.
  const id = crypto.randomUUID();
  const record = { recordType: input.recordType, recordId: input.recordId };
  const [, , [file]] = await checked(
    asMember(c, minRoleFor("crm.write"), (db, { orgId, userId }) => [
      guard(db, sql`exists (${linkedRecordQuery(db, orgId, record)})`, "VALIDATION_FAILED", [
        { path: "recordId", message: NO_SUCH_RECORD[locale] },
      ]),
      ...createFile({
        db,
        orgId,
        actorId: userId,
        id,
        objectKey: objectKeyOf(orgId, id),
        ...record,
        name: cleanFileName(input.name),
        contentType,
        size: input.size,
      }),
    ]),
  );
  const created = one(file ? [file] : []);

  const credentials = presignCredentials(c.env);
  const upload = credentials
    ? {
        method: "PUT",
        ...(await presignedUpload(credentials, {
          key: created.objectKey,
          size: created.size,
          contentType,
        })),
        expiresInSeconds: UPLOAD_URL_SECONDS,
      }
    : {
        method: "PUT",
        url: `/api/v1/files/${id}/content`,
        headers: { "content-type": contentType },
        expiresInSeconds: null,
      };
  return c.json({ data: present(created), upload }, 201);
});

// The upload path where presigned URLs cannot work (local dev, tests): the body streams into the
// bucket. The stored type is the one announced (and allowlisted), whatever this request says.
fileRoutes.put("/:id/content", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");
  const declared = c.req.header("content-length");
  const body = c.req.raw.body;

  const [[found]] = await asMember(c, minRoleFor("crm.write"), (db, { orgId }) => [
    findFileById({ db, orgId, id }),
  ]);
  const file = one(found ? [found] : []);

  if (file.status !== "pending") throw new AppError("CONFLICT");
  if (!body || (declared !== undefined && Number(declared) !== file.size)) {
    throw new AppError("FILE_UPLOAD_MISMATCH");
  }

  // Exactly the announced number of bytes, or the write fails: a body cannot outgrow its file.
  const { readable, writable } = new FixedLengthStream(file.size);
  try {
    await Promise.all([
      body.pipeTo(writable),
      c.env.FILES.put(file.objectKey, readable, {
        httpMetadata: { contentType: file.contentType },
      }),
    ]);
  } catch (error) {
    throw new AppError("FILE_UPLOAD_MISMATCH", { cause: error });
  }
  return c.body(null, 204);
});

fileRoutes.post("/:id/complete", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  const [[found]] = await asMember(c, minRoleFor("crm.write"), (db, { orgId }) => [
    findFileById({ db, orgId, id }),
  ]);
  const file = one(found ? [found] : []);
  if (file.status === "ready") return c.json({ data: present(file) });

  const object = await c.env.FILES.head(file.objectKey);
  if (!object) throw new AppError("FILE_UPLOAD_MISMATCH");
  if (
    object.size !== file.size ||
    essenceOf(object.httpMetadata?.contentType ?? "") !== file.contentType
  ) {
    // Not what was announced: gone, so the file can be uploaded again.
    await c.env.FILES.delete(file.objectKey);
    throw new AppError("FILE_UPLOAD_MISMATCH");
  }

  const [, , , [ready]] = await checked(
    asMember(c, minRoleFor("crm.write"), (db, { orgId, userId }) =>
      markFileReady({ db, orgId, actorId: userId, ...file }),
    ),
  );
  return c.json({ data: present(one(ready ? [ready] : [])) });
});

fileRoutes.get("/:id/download", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  // The guard aborts the batch, audit entry included, unless the file is there and ready.
  const [, [found]] = await checked(
    asMember(c, minRoleFor("crm.read"), (db, { orgId, userId }) => [
      guard(
        db,
        sql`exists (select 1 from files where org_id = ${orgId} and id = ${id}
                     and status = 'ready' and deleted_at is null)`,
        "NOT_FOUND",
      ),
      findFileById({ db, orgId, id }),
      auditEntry(db, c, {
        orgId,
        actorUserId: userId,
        action: "file.downloaded",
        targetType: "file",
        targetId: id,
      }),
    ]),
  );
  const file = one(found ? [found] : []);

  const object = await c.env.FILES.get(file.objectKey);
  if (!object) {
    c.get("logger").error("a ready file has no object", { fileId: id });
    throw new AppError("NOT_FOUND");
  }

  return new Response(object.body, {
    headers: {
      "content-type": file.contentType,
      "content-length": String(object.size),
      // Always an attachment, never rendered in our origin, and never sniffed into HTML.
      "content-disposition": attachmentDisposition(file.name),
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
    },
  });
});

fileRoutes.delete("/:id", validate("param", recordIdParam), async (c) => {
  const { id } = c.req.valid("param");

  await checked(
    asMember(c, minRoleFor("crm.delete"), (db, { orgId, userId }) => [
      ...deleteFile({ db, orgId, id }),
      auditEntry(db, c, {
        orgId,
        actorUserId: userId,
        action: "file.deleted",
        targetType: "file",
        targetId: id,
      }),
    ]),
  );

  const session = c.get("session");
  if (session) await c.env.FILES.delete(objectKeyOf(session.orgId, id));
  return c.body(null, 204);
});

const NO_SUCH_RECORD = {
  en: "There is no such record in this organisation.",
  "pt-BR": "Não existe este registro nesta organização.",
};

/** A file as the API shows it: without its object key. */
function present<Row extends { objectKey: string }>({ objectKey: _, ...row }: Row) {
  return row;
}

function isAllowed(contentType: string): boolean {
  return (ALLOWED_CONTENT_TYPES as readonly string[]).includes(contentType);
}

function maxBytes(configured: string): number {
  const value = Number(configured);
  // Limitation: one limit for every plan, until plans carry their own (billing issue).
  return Number.isSafeInteger(value) && value > 0 ? value : 25 * 1024 * 1024;
}
