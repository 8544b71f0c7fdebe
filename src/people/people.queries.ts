/** People statements, for use inside `asMember` batches. Each takes one object parameter. */
import { and, count, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Address } from "../../drizzle/crm-columns.ts";
import { people } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { after, type Cursor, orderOf, type SortSpec, sortKeyOf } from "../records/list-page.ts";
import { allOf, type RecordFilters, recordFilters } from "../records/list-query.ts";
import { timelineEntry } from "../records/timeline.ts";
import { changeWithTimeline } from "../records/timeline-change.ts";
import { restorable } from "../records/trash.ts";

/** What a person row holds that a client may set. */
export type PersonFields = {
  firstName: string;
  lastName: string;
  emails: string[];
  phones: string[];
  jobTitle: string | null;
  companyId: string | null;
  cpf: string | null;
  address: Address | null;
  ownerId: string | null;
  tagIds: string[];
  custom: Record<string, unknown>;
};

export const personColumns = {
  id: people.id,
  firstName: people.firstName,
  lastName: people.lastName,
  emails: people.emails,
  phones: people.phones,
  jobTitle: people.jobTitle,
  companyId: people.companyId,
  cpf: people.cpf,
  address: people.address,
  ownerId: people.ownerId,
  tagIds: people.tagIds,
  custom: people.custom,
  version: people.version,
  createdBy: people.createdBy,
  createdAt: people.createdAt,
  updatedAt: people.updatedAt,
};

/** Sorting by name: family name, then given name. */
export const PERSON_NAME_COLUMNS = [people.lastName, people.firstName];

// `org_id` is in every WHERE although RLS already enforces it: it states the scope where a reader
// looks, and it lets the planner use the indexes that lead with org_id.
const live = (orgId: string) => and(eq(people.orgId, orgId), isNull(people.deletedAt));

/** A person who is not in the trash. */
export function findPersonById({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return db
    .select(personColumns)
    .from(people)
    .where(and(live(orgId), eq(people.id, id)));
}

/** One page (limit + 1 rows, for `pageOf`) and the total of the people matching `filters`. */
export function listPeople(input: {
  db: Db;
  orgId: string;
  filters: RecordFilters & { companyId?: string };
  sort: SortSpec;
  cursor: Cursor | undefined;
  limit: number;
}) {
  const { db, orgId, filters, sort } = input;
  const matching = allOf([
    live(orgId),
    filters.companyId ? eq(people.companyId, filters.companyId) : undefined,
    ...recordFilters(people, filters),
  ]);
  return [
    db
      .select({ ...personColumns, sortKey: sortKeyOf(sort) })
      .from(people)
      .where(and(matching, after(sort, input.cursor)))
      .orderBy(...orderOf(sort))
      .limit(input.limit + 1),
    db.select({ total: count() }).from(people).where(matching),
  ] as const;
}

/** The INSERT and its timeline entry ("created", with the values set). */
export function createPerson(input: {
  db: Db;
  orgId: string;
  actorId: string;
  id: string;
  fields: Partial<PersonFields> & { firstName: string };
  changes: Record<string, unknown>;
}) {
  const { db, orgId, actorId, id } = input;
  return [
    db
      .insert(people)
      .values({ ...input.fields, id, orgId, createdBy: actorId })
      .returning(personColumns),
    timelineEntry(db, {
      orgId,
      actorId,
      recordType: "person",
      recordId: id,
      kind: "created",
      changes: input.changes,
    }),
  ] as const;
}

/**
 * The UPDATE of `version` (with its timeline entry, in one statement), then the person as it is
 * afterwards: changed, or unchanged when someone else's edit won (409), or gone (404).
 */
export function updatePerson(input: {
  db: Db;
  orgId: string;
  actorId: string;
  id: string;
  version: number;
  fields: Partial<PersonFields>;
  changes: Record<string, unknown>;
}) {
  const { db, orgId, actorId, id } = input;
  const update = db
    .update(people)
    .set({ ...input.fields, version: sql`${people.version} + 1`, updatedAt: sql`now()` })
    .where(and(live(orgId), eq(people.id, id), eq(people.version, input.version)))
    .returning({ id: people.id });
  return [
    changeWithTimeline(db, update, {
      orgId,
      actorId,
      recordType: "person",
      kind: "updated",
      changes: input.changes,
    }),
    findPersonById({ db, orgId, id }),
  ] as const;
}

/** Moves a person to the trash; answers their id, or nothing when there was no such person. */
export function trashPerson({ db, orgId, actorId, id }: Ids) {
  const update = db
    .update(people)
    .set({
      deletedAt: sql`now()`,
      deletedBy: actorId,
      version: sql`${people.version} + 1`,
    })
    .where(and(live(orgId), eq(people.id, id)))
    .returning({ id: people.id });
  return changeWithTimeline(db, update, { orgId, actorId, recordType: "person", kind: "deleted" });
}

/** Takes a person out of the trash (within 30 days), then reads them back. */
export function restorePerson({ db, orgId, actorId, id }: Ids) {
  const update = db
    .update(people)
    .set({
      deletedAt: null,
      deletedBy: null,
      version: sql`${people.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(people.orgId, orgId),
        eq(people.id, id),
        isNotNull(people.deletedAt),
        restorable(people.deletedAt),
      ),
    )
    .returning({ id: people.id });
  return [
    changeWithTimeline(db, update, { orgId, actorId, recordType: "person", kind: "restored" }),
    findPersonById({ db, orgId, id }),
  ] as const;
}

type Ids = { db: Db; orgId: string; actorId: string; id: string };
