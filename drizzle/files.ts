/**
 * Attachments on CRM records. The bytes live in the FILES R2 bucket (EU jurisdiction) under
 * `object_key`, which the server makes as `<org_id>/<id>`: nothing a client sends chooses a key.
 * A row starts `pending` when an upload is asked for and becomes `ready` once the object was
 * checked against the declared size and type.
 */
import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { organisations } from "./accounts.ts";
import { createdAt, moment } from "./columns.ts";
import { RECORD_TYPES } from "./crm.ts";
import { tenantPolicies } from "./tenancy.ts";

export const FILE_STATUSES = ["pending", "ready"] as const;

export const files = pgTable(
  "files",
  {
    id: uuid("id").primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    recordType: text("record_type", { enum: RECORD_TYPES }).notNull(),
    recordId: uuid("record_id").notNull(),
    /** As the user named it, cleaned of control and path characters; shown and downloaded as. */
    name: text("name").notNull(),
    contentType: text("content_type").notNull(),
    /** Declared when the upload was asked for; the object must match it to become ready. */
    size: bigint("size", { mode: "number" }).notNull(),
    objectKey: text("object_key").notNull(),
    status: text("status", { enum: FILE_STATUSES }).notNull().default("pending"),
    createdBy: uuid("created_by"),
    createdAt: createdAt(),
    deletedAt: moment("deleted_at"),
  },
  (t) => [
    unique("files_org_id_key").on(t.orgId, t.id),
    unique("files_object_key_key").on(t.objectKey),
    index("files_org_record_idx").on(t.orgId, t.recordType, t.recordId, t.createdAt),
    check("files_status_known", sql`${t.status} in ('pending', 'ready')`),
    check("files_size_positive", sql`${t.size} > 0`),
    check(
      "files_object_key_in_org",
      sql`${t.objectKey} = ${t.orgId}::text || '/' || ${t.id}::text`,
    ),
    ...tenantPolicies("files"),
  ],
);
