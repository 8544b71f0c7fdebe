/**
 * Columns every CRM record shares: owner, tags, custom field values, optimistic-locking version,
 * trash (soft delete, purged after 30 days) and who created it.
 */
import { sql } from "drizzle-orm";
import { integer, jsonb, uuid } from "drizzle-orm/pg-core";
import { createdAt, moment, updatedAt } from "./columns.ts";

export const recordColumns = () => ({
  ownerId: uuid("owner_id"),
  tagIds: uuid("tag_ids").array().notNull().default(sql`'{}'::uuid[]`),
  custom: jsonb("custom").$type<Record<string, unknown>>().notNull().default({}),
  /** Incremented by every update; an update naming an older version is a conflict (409). */
  version: integer("version").notNull().default(1),
  createdBy: uuid("created_by"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  /** In the trash since this moment; restorable for 30 days, then purged by a scheduled job. */
  deletedAt: moment("deleted_at"),
  deletedBy: uuid("deleted_by"),
});

/** A postal address, as Brazilian and Portuguese forms ask for it. */
export type Address = {
  street?: string;
  number?: string;
  complement?: string;
  district?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
};
