/** Company statements, for use inside `asMember` batches. Each takes one object parameter. */
import { and, count, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Address } from "../../drizzle/crm-columns.ts";
import { companies } from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { after, type Cursor, orderOf, type SortSpec, sortKeyOf } from "../records/list-page.ts";
import { allOf, type RecordFilters, recordFilters } from "../records/list-query.ts";
import { timelineEntry } from "../records/timeline.ts";
import { changeWithTimeline } from "../records/timeline-change.ts";
import { restorable } from "../records/trash.ts";

/** What a company row holds that a client may set. */
export type CompanyFields = {
  name: string;
  domains: string[];
  taxId: string | null;
  taxIdKind: string | null;
  industry: string | null;
  size: string | null;
  address: Address | null;
  phones: string[];
  website: string | null;
  ownerId: string | null;
  tagIds: string[];
  custom: Record<string, unknown>;
};

export const companyColumns = {
  id: companies.id,
  name: companies.name,
  domains: companies.domains,
  taxId: companies.taxId,
  taxIdKind: companies.taxIdKind,
  industry: companies.industry,
  size: companies.size,
  address: companies.address,
  phones: companies.phones,
  website: companies.website,
  ownerId: companies.ownerId,
  tagIds: companies.tagIds,
  custom: companies.custom,
  version: companies.version,
  createdBy: companies.createdBy,
  createdAt: companies.createdAt,
  updatedAt: companies.updatedAt,
};

export const COMPANY_NAME_COLUMNS = [companies.name];

// `org_id` is in every WHERE although RLS already enforces it: it states the scope where a reader
// looks, and it lets the planner use the indexes that lead with org_id.
const live = (orgId: string) => and(eq(companies.orgId, orgId), isNull(companies.deletedAt));

/** A company that is not in the trash. */
export function findCompanyById({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return db
    .select(companyColumns)
    .from(companies)
    .where(and(live(orgId), eq(companies.id, id)));
}

/** One page (limit + 1 rows, for `pageOf`) and the total of the companies matching `filters`. */
export function listCompanies(input: {
  db: Db;
  orgId: string;
  filters: RecordFilters;
  sort: SortSpec;
  cursor: Cursor | undefined;
  limit: number;
}) {
  const { db, orgId, sort } = input;
  const matching = allOf([live(orgId), ...recordFilters(companies, input.filters)]);
  return [
    db
      .select({ ...companyColumns, sortKey: sortKeyOf(sort) })
      .from(companies)
      .where(and(matching, after(sort, input.cursor)))
      .orderBy(...orderOf(sort))
      .limit(input.limit + 1),
    db.select({ total: count() }).from(companies).where(matching),
  ] as const;
}

/** The INSERT and its timeline entry ("created", with the values set). */
export function createCompany(input: {
  db: Db;
  orgId: string;
  actorId: string;
  id: string;
  fields: Partial<CompanyFields> & { name: string };
  changes: Record<string, unknown>;
}) {
  const { db, orgId, actorId, id } = input;
  return [
    db
      .insert(companies)
      .values({ ...input.fields, id, orgId, createdBy: actorId })
      .returning(companyColumns),
    timelineEntry(db, {
      orgId,
      actorId,
      recordType: "company",
      recordId: id,
      kind: "created",
      changes: input.changes,
    }),
  ] as const;
}

/**
 * The UPDATE of `version` (with its timeline entry, in one statement), then the company as it is
 * afterwards: changed, or unchanged when someone else's edit won (409), or gone (404).
 */
export function updateCompany(input: {
  db: Db;
  orgId: string;
  actorId: string;
  id: string;
  version: number;
  fields: Partial<CompanyFields>;
  changes: Record<string, unknown>;
}) {
  const { db, orgId, actorId, id } = input;
  const update = db
    .update(companies)
    .set({ ...input.fields, version: sql`${companies.version} + 1`, updatedAt: sql`now()` })
    .where(and(live(orgId), eq(companies.id, id), eq(companies.version, input.version)))
    .returning({ id: companies.id });
  return [
    changeWithTimeline(db, update, {
      orgId,
      actorId,
      recordType: "company",
      kind: "updated",
      changes: input.changes,
    }),
    findCompanyById({ db, orgId, id }),
  ] as const;
}

/** Moves a company to the trash; answers its id, or nothing when there was no such company. */
export function trashCompany({ db, orgId, actorId, id }: Ids) {
  const update = db
    .update(companies)
    .set({
      deletedAt: sql`now()`,
      deletedBy: actorId,
      version: sql`${companies.version} + 1`,
    })
    .where(and(live(orgId), eq(companies.id, id)))
    .returning({ id: companies.id });
  return changeWithTimeline(db, update, {
    orgId,
    actorId,
    recordType: "company",
    kind: "deleted",
  });
}

/** Takes a company out of the trash (within 30 days), then reads it back. */
export function restoreCompany({ db, orgId, actorId, id }: Ids) {
  const update = db
    .update(companies)
    .set({
      deletedAt: null,
      deletedBy: null,
      version: sql`${companies.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(companies.orgId, orgId),
        eq(companies.id, id),
        isNotNull(companies.deletedAt),
        restorable(companies.deletedAt),
      ),
    )
    .returning({ id: companies.id });
  return [
    changeWithTimeline(db, update, { orgId, actorId, recordType: "company", kind: "restored" }),
    findCompanyById({ db, orgId, id }),
  ] as const;
}

type Ids = { db: Db; orgId: string; actorId: string; id: string };
