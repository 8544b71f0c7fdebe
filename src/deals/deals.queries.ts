/** Deal statements, for use inside `asMember` batches. Each takes one object parameter. */
import { and, count, eq, gte, isNotNull, isNull, lte, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  companies,
  dealPeople,
  dealStageHistory,
  deals,
  people,
  stages,
} from "../../drizzle/schema.ts";
import type { Db } from "../db/tenant.ts";
import { newId } from "../lib/ids.ts";
import { uuidArray } from "../pipelines/stages.queries.ts";
import { guardOneRow } from "../records/guards.ts";
import { after, type Cursor, orderOf, type SortSpec, sortKeyOf } from "../records/list-page.ts";
import { allOf, recordFilters } from "../records/list-query.ts";
import { timelineEntry } from "../records/timeline.ts";
import { changeWithTimeline } from "../records/timeline-change.ts";
import { timelineEntryIf } from "../records/timeline-if.ts";
import { restorable } from "../records/trash.ts";
import type { DEAL_SORTS, ListDealsQuery } from "./deals.schema.ts";

/** What a deal row holds that a client may set (people live in deal_people). */
export type DealFields = {
  title: string;
  amountMinor: number;
  currency: "BRL" | "EUR" | "USD";
  pipelineId: string;
  stageId: string;
  expectedCloseDate: string | null;
  probability: number | null;
  ownerId: string | null;
  companyId: string | null;
  lostReason: string | null;
  tagIds: string[];
  custom: Record<string, unknown>;
};

/** A stage as a move records it on the timeline. */
export type StageRef = { id: string; name: string };

// The deal's people who are not in the trash, in the order they were linked. Outer columns are
// spelled out qualified: drizzle writes a single-table query's columns bare.
const personIds = sql<string[]>`coalesce((
  select json_agg(dp.person_id order by dp.created_at, dp.person_id)
    from ${dealPeople} dp
    join ${people} p on p.org_id = dp.org_id and p.id = dp.person_id and p.deleted_at is null
   where dp.org_id = "deals"."org_id" and dp.deal_id = "deals"."id"), '[]'::json)`;

export const dealColumns = {
  id: deals.id,
  title: deals.title,
  amountMinor: deals.amountMinor,
  currency: deals.currency,
  pipelineId: deals.pipelineId,
  stageId: deals.stageId,
  stage: {
    id: stages.id,
    name: stages.name,
    kind: stages.kind,
    probability: stages.probability,
  },
  stageEnteredAt: deals.stageEnteredAt,
  expectedCloseDate: deals.expectedCloseDate,
  probability: deals.probability,
  ownerId: deals.ownerId,
  companyId: deals.companyId,
  personIds,
  lostReason: deals.lostReason,
  tagIds: deals.tagIds,
  custom: deals.custom,
  version: deals.version,
  createdBy: deals.createdBy,
  createdAt: deals.createdAt,
  updatedAt: deals.updatedAt,
};

const withStage = and(eq(stages.orgId, deals.orgId), eq(stages.id, deals.stageId));

// `org_id` is in every WHERE although RLS already enforces it: it states the scope where a reader
// looks, and it lets the planner use the indexes that lead with org_id.
const live = (orgId: string) => and(eq(deals.orgId, orgId), isNull(deals.deletedAt));

/** A deal that is not in the trash, with its stage and people. */
export function findDealById({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  return db
    .select(dealColumns)
    .from(deals)
    .innerJoin(stages, withStage)
    .where(and(live(orgId), eq(deals.id, id)));
}

/** Defaults: titles A to Z, amounts and moments newest or largest first, close dates soonest. */
export function dealSort(
  sort: (typeof DEAL_SORTS)[number],
  order: "asc" | "desc" | undefined,
): SortSpec {
  const keys = {
    // As a Portuguese speaker reads the alphabet: "Água" between "Abacate" and "Bolo".
    title: {
      column: sql`lower(gallo_unaccent(${deals.title}))`,
      type: "text" as const,
      descending: false,
    },
    created: { column: deals.createdAt, type: "timestamptz" as const, descending: true },
    updated: { column: deals.updatedAt, type: "timestamptz" as const, descending: true },
    // Text keys that sort like the numbers and dates they hold; deals without a date go last.
    amount: {
      column: sql`lpad(${deals.amountMinor}::text, 20, '0')`,
      type: "text" as const,
      descending: true,
    },
    closeDate: {
      column: sql`coalesce(${deals.expectedCloseDate}::text, 'none')`,
      type: "text" as const,
      descending: false,
    },
    stageEntered: { column: deals.stageEnteredAt, type: "timestamptz" as const, descending: true },
  };
  const { column, type, descending } = keys[sort];
  return {
    name: sort,
    keys: [{ column, type }],
    id: deals.id,
    descending: order ? order === "desc" : descending,
  };
}

type DealFilters = Omit<ListDealsQuery, "limit" | "cursor" | "sort" | "order">;

/** One page (limit + 1 rows, for `pageOf`) and the total of the deals matching `filters`. */
export function listDeals(input: {
  db: Db;
  orgId: string;
  filters: DealFilters;
  sort: SortSpec;
  cursor: Cursor | undefined;
  limit: number;
}) {
  const { db, orgId, filters: f, sort } = input;
  const matching = allOf([
    live(orgId),
    f.pipelineId ? eq(deals.pipelineId, f.pipelineId) : undefined,
    f.stageId ? eq(deals.stageId, f.stageId) : undefined,
    f.companyId ? eq(deals.companyId, f.companyId) : undefined,
    f.personId ? hasPerson(f.personId) : undefined,
    f.status ? eq(stages.kind, f.status) : undefined,
    f.currency ? eq(deals.currency, f.currency) : undefined,
    f.closeFrom ? gte(deals.expectedCloseDate, f.closeFrom) : undefined,
    f.closeTo ? lte(deals.expectedCloseDate, f.closeTo) : undefined,
    f.amountMin !== undefined ? gte(deals.amountMinor, f.amountMin) : undefined,
    f.amountMax !== undefined ? lte(deals.amountMinor, f.amountMax) : undefined,
    f.q ? sql`${deals.search} @@ gallo_search_query(${f.q})` : undefined,
    ...recordFilters(deals, f),
  ]);
  return [
    db
      .select({ ...dealColumns, sortKey: sortKeyOf(sort) })
      .from(deals)
      .innerJoin(stages, withStage)
      .where(and(matching, after(sort, input.cursor)))
      .orderBy(...orderOf(sort))
      .limit(input.limit + 1),
    db.select({ total: count() }).from(deals).innerJoin(stages, withStage).where(matching),
  ] as const;
}

/** The deal, then its people, company, stage history and the first page of its timeline. */
export function dealRelations({ db, orgId, id }: { db: Db; orgId: string; id: string }) {
  const fromStage = alias(stages, "from_stage");
  const toStage = alias(stages, "to_stage");
  return [
    db
      .select({
        id: people.id,
        firstName: people.firstName,
        lastName: people.lastName,
        emails: people.emails,
        jobTitle: people.jobTitle,
      })
      .from(dealPeople)
      .innerJoin(
        people,
        and(eq(people.orgId, dealPeople.orgId), eq(people.id, dealPeople.personId)),
      )
      .where(and(eq(dealPeople.orgId, orgId), eq(dealPeople.dealId, id), isNull(people.deletedAt)))
      .orderBy(dealPeople.createdAt, people.id),
    db
      .select({
        id: companies.id,
        name: companies.name,
        domains: companies.domains,
        website: companies.website,
      })
      .from(deals)
      .innerJoin(
        companies,
        and(eq(companies.orgId, deals.orgId), eq(companies.id, deals.companyId)),
      )
      .where(and(eq(deals.orgId, orgId), eq(deals.id, id), isNull(companies.deletedAt))),
    db
      .select({
        fromStage: { id: dealStageHistory.fromStageId, name: fromStage.name },
        toStage: { id: dealStageHistory.toStageId, name: toStage.name },
        enteredAt: dealStageHistory.enteredAt,
        movedBy: dealStageHistory.movedBy,
      })
      .from(dealStageHistory)
      .leftJoin(
        fromStage,
        and(
          eq(fromStage.orgId, dealStageHistory.orgId),
          eq(fromStage.id, dealStageHistory.fromStageId),
        ),
      )
      .leftJoin(
        toStage,
        and(eq(toStage.orgId, dealStageHistory.orgId), eq(toStage.id, dealStageHistory.toStageId)),
      )
      .where(and(eq(dealStageHistory.orgId, orgId), eq(dealStageHistory.dealId, id)))
      .orderBy(dealStageHistory.enteredAt, dealStageHistory.id),
  ] as const;
}

/** The INSERTs of a deal, its people, its first stage history row and its "created" entry. */
export function createDeal({
  db,
  orgId,
  actorId,
  id,
  fields,
  personIds: linked,
  changes,
}: {
  db: Db;
  orgId: string;
  actorId: string;
  id: string;
  fields: DealFields;
  personIds: string[];
  changes: Record<string, unknown>;
}) {
  return [
    db.insert(deals).values({ ...fields, id, orgId, createdBy: actorId }),
    linkPeople({ db, orgId, dealId: id, personIds: linked }),
    db.insert(dealStageHistory).values({
      id: newId(),
      orgId,
      dealId: id,
      fromStageId: null,
      toStageId: fields.stageId,
      movedBy: actorId,
    }),
    timelineEntry(db, {
      orgId,
      actorId,
      recordType: "deal",
      recordId: id,
      kind: "created",
      changes,
    }),
    findDealById({ db, orgId, id }),
  ] as const;
}

/**
 * An update of version `version`, as one all-or-nothing batch: the row (a 404 or 409 aborts it
 * all), the people when `personIds` is given, and for a stage move its history row and a
 * "stage_moved" entry; other changes get an "updated" entry. Then the deal as it is now.
 */
export function updateDeal({
  db,
  orgId,
  actorId,
  id,
  version,
  fields,
  personIds: linked,
  move,
  changes,
}: {
  db: Db;
  orgId: string;
  actorId: string;
  id: string;
  version: number;
  fields: Partial<DealFields>;
  personIds: string[] | undefined;
  move: { from: StageRef; to: StageRef } | null;
  changes: Record<string, unknown>;
}) {
  const update = db
    .update(deals)
    .set({
      ...fields,
      ...(move ? { stageEnteredAt: sql`now()` } : {}),
      version: sql`${deals.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(live(orgId), eq(deals.id, id), eq(deals.version, version)))
    .returning({ id: deals.id });
  const event = { orgId, actorId, recordType: "deal" as const, recordId: id };
  return [
    guardOneRow(db, {
      change: update.getSQL(),
      exists: sql`exists (select 1 from ${deals}
                           where org_id = ${orgId} and id = ${id} and deleted_at is null)`,
    }),
    unlinkPeopleExcept({ db, orgId, dealId: id, personIds: linked }),
    linkPeople({ db, orgId, dealId: id, personIds: linked ?? [] }),
    db.execute(sql`
      insert into ${dealStageHistory} (id, org_id, deal_id, from_stage_id, to_stage_id, moved_by)
      select ${newId()}::uuid, ${orgId}::uuid, ${id}::uuid, ${move?.from.id ?? null}::uuid,
             ${move?.to.id ?? null}::uuid, ${actorId}::uuid
       where ${move !== null}::boolean`),
    timelineEntryIf(db, Object.keys(changes).length > 0, { ...event, kind: "updated", changes }),
    timelineEntryIf(db, move !== null, {
      ...event,
      kind: "stage_moved",
      changes: { stage: { old: move?.from, new: move?.to } },
    }),
    findDealById({ db, orgId, id }),
  ] as const;
}

type Ids = { db: Db; orgId: string; actorId: string; id: string };

/** Moves a deal to the trash (people links, history and timeline stay with it). */
export function trashDeal({ db, orgId, actorId, id }: Ids) {
  const update = db
    .update(deals)
    .set({ deletedAt: sql`now()`, deletedBy: actorId, version: sql`${deals.version} + 1` })
    .where(and(live(orgId), eq(deals.id, id)))
    .returning({ id: deals.id });
  return changeWithTimeline(db, update, { orgId, actorId, recordType: "deal", kind: "deleted" });
}

/** Takes a deal out of the trash (within 30 days), then reads it back. */
export function restoreDeal({ db, orgId, actorId, id }: Ids) {
  const update = db
    .update(deals)
    .set({
      deletedAt: null,
      deletedBy: null,
      version: sql`${deals.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(deals.orgId, orgId),
        eq(deals.id, id),
        isNotNull(deals.deletedAt),
        restorable(deals.deletedAt),
      ),
    )
    .returning({ id: deals.id });
  return [
    changeWithTimeline(db, update, { orgId, actorId, recordType: "deal", kind: "restored" }),
    findDealById({ db, orgId, id }),
  ] as const;
}

function hasPerson(personId: string): SQL {
  return sql`exists (select 1 from ${dealPeople} dp
                      where dp.org_id = "deals"."org_id" and dp.deal_id = "deals"."id"
                        and dp.person_id = ${personId})`;
}

/** Links the people not linked yet; their `created_at` keeps the order they were sent in. */
function linkPeople(input: { db: Db; orgId: string; dealId: string; personIds: string[] }) {
  return input.db.execute(sql`
    insert into ${dealPeople} (org_id, deal_id, person_id, created_at)
    select ${input.orgId}::uuid, ${input.dealId}::uuid, person_id,
           now() + make_interval(secs => position / 1000000.0)
      from unnest(${uuidArray(input.personIds)}) with ordinality as linked(person_id, position)
    on conflict do nothing`);
}

/** Unlinks the people not in `personIds`; with `personIds` undefined, unlinks nobody. */
function unlinkPeopleExcept(input: {
  db: Db;
  orgId: string;
  dealId: string;
  personIds: string[] | undefined;
}) {
  return input.db.execute(sql`
    delete from ${dealPeople}
     where org_id = ${input.orgId} and deal_id = ${input.dealId}
       and ${input.personIds !== undefined}::boolean
       and not (person_id = any(${uuidArray(input.personIds ?? [])}))`);
}
