/** Contact statements, for use inside `asMember` batches. Each takes one object parameter. */
import { and, desc, eq, lt } from "drizzle-orm";
import { contacts } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";

export type ContactFields = {
  firstName?: string;
  lastName?: string;
  email?: string | null;
  phone?: string | null;
};

const columns = {
  id: contacts.id,
  firstName: contacts.firstName,
  lastName: contacts.lastName,
  email: contacts.email,
  phone: contacts.phone,
  createdAt: contacts.createdAt,
  updatedAt: contacts.updatedAt,
};

// `org_id` is in every WHERE although RLS already enforces it: it states the scope where a reader
// looks, and it lets the planner use the (org_id, id) index directly.

export function findContactById({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return db
    .select(columns)
    .from(contacts)
    .where(and(eq(contacts.orgId, orgId), eq(contacts.id, id)));
}

/** Newest first; `cursor` is the last id of the previous page. Fetches one extra row to know if more exist. */
export function listContacts({
  db,
  orgId,
  limit,
  cursor,
}: {
  db: Db;
  orgId: string;
  limit: number;
  cursor?: string;
}) {
  return db
    .select(columns)
    .from(contacts)
    .where(and(eq(contacts.orgId, orgId), cursor ? lt(contacts.id, cursor) : undefined))
    .orderBy(desc(contacts.id))
    .limit(limit + 1);
}

export function createContact({
  db,
  orgId,
  id,
  fields,
}: {
  db: Db;
  orgId: string;
  id: string;
  fields: ContactFields & { firstName: string };
}) {
  return db
    .insert(contacts)
    .values({ ...fields, id, orgId })
    .returning(columns);
}

export function updateContact({
  db,
  orgId,
  id,
  fields,
}: {
  db: Db;
  orgId: string;
  id: string;
  fields: ContactFields;
}) {
  return db
    .update(contacts)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(contacts.orgId, orgId), eq(contacts.id, id)))
    .returning(columns);
}

export function deleteContact({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return db
    .delete(contacts)
    .where(and(eq(contacts.orgId, orgId), eq(contacts.id, id)))
    .returning({ id: contacts.id });
}
