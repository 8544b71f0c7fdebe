/**
 * The CRM records: companies, people, pipelines and stages, deals, tasks, notes, tags, custom
 * fields and the timeline. All tenant-owned. Records referring to each other use composite
 * foreign keys on (org_id, id), so a row can never point at another organisation's row even if
 * an id leaked. `search` columns are generated from the unaccented, lower-cased text of the
 * record (see migrations: gallo_search_document) and indexed with GIN for prefix search.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { organisations } from "./accounts.ts";
import { createdAt, moment, updatedAt } from "./columns.ts";
import { type Address, recordColumns } from "./crm-columns.ts";
import { tenantPolicies } from "./tenancy.ts";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const ENTITIES = ["company", "person", "deal"] as const;
export type Entity = (typeof ENTITIES)[number];
/** What tasks, notes and timeline events can hang on. */
export const RECORD_TYPES = ["company", "person", "deal"] as const;
export const CURRENCIES = ["BRL", "EUR", "USD"] as const;
export const TASK_KINDS = ["call", "meeting", "email", "todo"] as const;
export const STAGE_KINDS = ["open", "won", "lost"] as const;
export const FIELD_TYPES = [
  "text",
  "number",
  "date",
  "select",
  "multiselect",
  "boolean",
  "url",
] as const;

const orgRef = () =>
  uuid("org_id")
    .notNull()
    .references(() => organisations.id, { onDelete: "cascade" });

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`"${column}" in (${values.map((v) => `'${v}'`).join(", ")})`);

export const companies = pgTable(
  "companies",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    name: text("name").notNull(),
    domains: text("domains").array().notNull().default(sql`'{}'::text[]`),
    /** Digits (NIF, numeric CNPJ) or upper-case letters and digits (alphanumeric CNPJ), no punctuation. */
    taxId: text("tax_id"),
    taxIdKind: text("tax_id_kind"),
    industry: text("industry"),
    size: text("size"),
    address: jsonb("address").$type<Address>(),
    /** E.164. */
    phones: text("phones").array().notNull().default(sql`'{}'::text[]`),
    website: text("website"),
    ...recordColumns(),
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('simple', gallo_search_document(name, gallo_join(domains), tax_id, gallo_digits(phones), website))`,
    ),
  },
  (t) => [
    unique("companies_org_id_key").on(t.orgId, t.id),
    index("companies_org_name_idx").on(t.orgId, t.name),
    index("companies_search_idx").using("gin", t.search),
    index("companies_org_tax_id_idx").on(t.orgId, t.taxId),
    check(
      "companies_tax_id_kind",
      sql`${t.taxIdKind} is null or ${t.taxIdKind} in ('cnpj', 'nif')`,
    ),
    ...tenantPolicies("companies"),
  ],
);

export const people = pgTable(
  "people",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull().default(""),
    /** Lower-cased. */
    emails: text("emails").array().notNull().default(sql`'{}'::text[]`),
    /** E.164. */
    phones: text("phones").array().notNull().default(sql`'{}'::text[]`),
    jobTitle: text("job_title"),
    companyId: uuid("company_id"),
    /** Eleven digits, no punctuation. */
    cpf: text("cpf"),
    address: jsonb("address").$type<Address>(),
    ...recordColumns(),
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('simple', gallo_search_document(first_name, last_name, gallo_join(emails), gallo_digits(phones), cpf))`,
    ),
  },
  (t) => [
    unique("people_org_id_key").on(t.orgId, t.id),
    index("people_org_name_idx").on(t.orgId, t.lastName, t.firstName, t.id),
    index("people_org_company_idx").on(t.orgId, t.companyId),
    index("people_search_idx").using("gin", t.search),
    index("people_emails_idx").using("gin", t.emails),
    foreignKey({
      name: "people_company_fk",
      columns: [t.orgId, t.companyId],
      foreignColumns: [companies.orgId, companies.id],
    }),
    ...tenantPolicies("people"),
  ],
);

export const pipelines = pgTable(
  "pipelines",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    name: text("name").notNull(),
    position: integer("position").notNull().default(0),
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("pipelines_org_id_key").on(t.orgId, t.id), ...tenantPolicies("pipelines")],
);

export const stages = pgTable(
  "stages",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    pipelineId: uuid("pipeline_id").notNull(),
    name: text("name").notNull(),
    position: integer("position").notNull(),
    kind: text("kind", { enum: STAGE_KINDS }).notNull().default("open"),
    /** Default win probability of deals in this stage, 0-100. */
    probability: integer("probability").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    unique("stages_org_id_key").on(t.orgId, t.id),
    index("stages_org_pipeline_idx").on(t.orgId, t.pipelineId, t.position),
    foreignKey({
      name: "stages_pipeline_fk",
      columns: [t.orgId, t.pipelineId],
      foreignColumns: [pipelines.orgId, pipelines.id],
    }).onDelete("cascade"),
    check("stages_kind_known", inList("kind", STAGE_KINDS)),
    check("stages_probability_range", sql`${t.probability} between 0 and 100`),
    ...tenantPolicies("stages"),
  ],
);

export const deals = pgTable(
  "deals",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    title: text("title").notNull(),
    /** Integer minor units (centavos, cêntimos, cents): never floating point. */
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull().default(0),
    currency: text("currency", { enum: CURRENCIES }).notNull(),
    pipelineId: uuid("pipeline_id").notNull(),
    stageId: uuid("stage_id").notNull(),
    stageEnteredAt: moment("stage_entered_at").notNull().defaultNow(),
    expectedCloseDate: date("expected_close_date"),
    /** 0-100; null means the stage's default. */
    probability: integer("probability"),
    companyId: uuid("company_id"),
    lostReason: text("lost_reason"),
    ...recordColumns(),
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('simple', gallo_search_document(title))`,
    ),
  },
  (t) => [
    unique("deals_org_id_key").on(t.orgId, t.id),
    index("deals_org_stage_idx").on(t.orgId, t.pipelineId, t.stageId),
    index("deals_org_company_idx").on(t.orgId, t.companyId),
    index("deals_search_idx").using("gin", t.search),
    foreignKey({
      name: "deals_pipeline_fk",
      columns: [t.orgId, t.pipelineId],
      foreignColumns: [pipelines.orgId, pipelines.id],
    }),
    foreignKey({
      name: "deals_stage_fk",
      columns: [t.orgId, t.stageId],
      foreignColumns: [stages.orgId, stages.id],
    }),
    foreignKey({
      name: "deals_company_fk",
      columns: [t.orgId, t.companyId],
      foreignColumns: [companies.orgId, companies.id],
    }),
    check("deals_currency_known", inList("currency", CURRENCIES)),
    check("deals_amount_not_negative", sql`${t.amountMinor} >= 0`),
    check(
      "deals_probability_range",
      sql`${t.probability} is null or ${t.probability} between 0 and 100`,
    ),
    ...tenantPolicies("deals"),
  ],
);

export const dealPeople = pgTable(
  "deal_people",
  {
    orgId: orgRef(),
    dealId: uuid("deal_id").notNull(),
    personId: uuid("person_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("deal_people_key").on(t.orgId, t.dealId, t.personId),
    index("deal_people_person_idx").on(t.orgId, t.personId),
    foreignKey({
      name: "deal_people_deal_fk",
      columns: [t.orgId, t.dealId],
      foreignColumns: [deals.orgId, deals.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "deal_people_person_fk",
      columns: [t.orgId, t.personId],
      foreignColumns: [people.orgId, people.id],
    }).onDelete("cascade"),
    ...tenantPolicies("deal_people"),
  ],
);

/** When a deal entered (and left) each stage: the pipeline's history. */
export const dealStageHistory = pgTable(
  "deal_stage_history",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    dealId: uuid("deal_id").notNull(),
    fromStageId: uuid("from_stage_id"),
    toStageId: uuid("to_stage_id").notNull(),
    enteredAt: moment("entered_at").notNull().defaultNow(),
    movedBy: uuid("moved_by"),
  },
  (t) => [
    index("deal_stage_history_deal_idx").on(t.orgId, t.dealId, t.enteredAt),
    foreignKey({
      name: "deal_stage_history_deal_fk",
      columns: [t.orgId, t.dealId],
      foreignColumns: [deals.orgId, deals.id],
    }).onDelete("cascade"),
    ...tenantPolicies("deal_stage_history"),
  ],
);

/**
 * Calls, meetings, emails and to-dos. A task is due on a date (`dueDate`, no time zone: it is the
 * same day everywhere) or at a moment (`dueAt`); "today" and "overdue" are computed in the user's
 * time zone.
 */
export const tasks = pgTable(
  "tasks",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    kind: text("kind", { enum: TASK_KINDS }).notNull().default("todo"),
    title: text("title").notNull(),
    description: text("description"),
    dueDate: date("due_date"),
    dueAt: moment("due_at"),
    assigneeId: uuid("assignee_id"),
    doneAt: moment("done_at"),
    recordType: text("record_type", { enum: RECORD_TYPES }),
    recordId: uuid("record_id"),
    ...recordColumns(),
  },
  (t) => [
    unique("tasks_org_id_key").on(t.orgId, t.id),
    index("tasks_org_assignee_due_idx").on(t.orgId, t.assigneeId, t.doneAt, t.dueDate),
    index("tasks_org_record_idx").on(t.orgId, t.recordType, t.recordId),
    check("tasks_kind_known", inList("kind", TASK_KINDS)),
    check("tasks_one_due", sql`${t.dueDate} is null or ${t.dueAt} is null`),
    check("tasks_record_pair", sql`(${t.recordType} is null) = (${t.recordId} is null)`),
    ...tenantPolicies("tasks"),
  ],
);

/** Markdown notes; rendered to HTML only through a sanitiser. */
export const notes = pgTable(
  "notes",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    recordType: text("record_type", { enum: RECORD_TYPES }).notNull(),
    recordId: uuid("record_id").notNull(),
    body: text("body").notNull(),
    ...recordColumns(),
  },
  (t) => [
    unique("notes_org_id_key").on(t.orgId, t.id),
    index("notes_org_record_idx").on(t.orgId, t.recordType, t.recordId, t.createdAt),
    ...tenantPolicies("notes"),
  ],
);

export const tags = pgTable(
  "tags",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    entity: text("entity", { enum: ENTITIES }).notNull(),
    name: text("name").notNull(),
    color: text("color"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("tags_org_entity_name_key").on(t.orgId, t.entity, sql`lower(${t.name})`),
    ...tenantPolicies("tags"),
  ],
);

/** Admin-defined fields; values live in each record's `custom` JSON under `key`. */
export const customFields = pgTable(
  "custom_fields",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    entity: text("entity", { enum: ENTITIES }).notNull(),
    key: text("key").notNull(),
    label: text("label").notNull(),
    type: text("type", { enum: FIELD_TYPES }).notNull(),
    /** For select and multiselect: the allowed choices. */
    options: jsonb("options").$type<string[]>().notNull().default([]),
    required: boolean("required").notNull().default(false),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("custom_fields_org_entity_key").on(t.orgId, t.entity, t.key),
    check("custom_fields_type_known", inList("type", FIELD_TYPES)),
    check("custom_fields_key_format", sql`${t.key} ~ '^[a-z][a-z0-9_]{0,62}$'`),
    ...tenantPolicies("custom_fields"),
  ],
);

/** Everything that happened to a record, with who and when. Written in the change's batch. */
export const timelineEvents = pgTable(
  "timeline_events",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    recordType: text("record_type", { enum: RECORD_TYPES }).notNull(),
    recordId: uuid("record_id").notNull(),
    at: createdAt(),
    actorId: uuid("actor_id"),
    /** created, updated, stage_moved, note_added, task_added, file_added, merged, imported, deleted, restored */
    kind: text("kind").notNull(),
    /** For updates: `{ field: { old, new } }`; otherwise what the kind needs. */
    changes: jsonb("changes").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index("timeline_events_record_idx").on(t.orgId, t.recordType, t.recordId, t.at),
    ...tenantPolicies("timeline_events"),
  ],
);
