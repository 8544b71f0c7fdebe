/**
 * What a record's create or update must know before it can be validated: the organisation's
 * region (phones, tax ids), the custom field definitions of the entity, and whether the tags,
 * owner and company it names exist in this organisation. Read as one batch, before the write.
 *
 * Another organisation's tag, member or company is invisible here (row-level security), so naming
 * one is a validation error on that field, never a link.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import {
  companies,
  customFields,
  type Entity,
  memberships,
  organisations,
  tags,
} from "../../drizzle/schema.ts";
import type { FieldDefinition } from "../custom-fields/values.ts";
import type { Db } from "../db/tenant.ts";
import type { Issues } from "./issues.ts";

/** The references a request names. Absent means "not changed"; null means "none". */
export type References = {
  ownerId?: string | null;
  tagIds?: string[];
  companyId?: string | null;
};

export type WriteContext = {
  region: string;
  definitions: FieldDefinition[];
};

/** The statements to put in the batch; pass their results to `readWriteContext`. */
export function writeContextQueries(db: Db, orgId: string, entity: Entity, refs: References) {
  return [
    db
      .select({ region: organisations.region })
      .from(organisations)
      .where(eq(organisations.id, orgId)),
    db
      .select({
        key: customFields.key,
        label: customFields.label,
        type: customFields.type,
        options: customFields.options,
        required: customFields.required,
      })
      .from(customFields)
      .where(and(eq(customFields.orgId, orgId), eq(customFields.entity, entity))),
    db
      .select({ id: tags.id })
      .from(tags)
      .where(
        and(eq(tags.orgId, orgId), eq(tags.entity, entity), inArray(tags.id, refs.tagIds ?? [])),
      ),
    db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(
        and(
          eq(memberships.orgId, orgId),
          refs.ownerId ? eq(memberships.userId, refs.ownerId) : sql`false`,
        ),
      ),
    db
      .select({ id: companies.id })
      .from(companies)
      .where(
        and(
          eq(companies.orgId, orgId),
          isNull(companies.deletedAt),
          refs.companyId ? eq(companies.id, refs.companyId) : sql`false`,
        ),
      ),
  ] as const;
}

type Results = readonly [
  { region: string }[],
  FieldDefinition[],
  { id: string }[],
  { userId: string }[],
  { id: string }[],
];

/**
 * Checks the references against what the batch found, recording a problem per unknown one, and
 * returns what validation of the other fields needs.
 */
export function readWriteContext(results: Results, refs: References, issues: Issues): WriteContext {
  const [org, definitions, knownTags, owner, company] = results;

  const tagIds = new Set(knownTags.map((t) => t.id));
  refs.tagIds?.forEach((id, index) => {
    if (!tagIds.has(id)) {
      issues.add(`tagIds.${index}`, {
        en: "There is no such tag for this kind of record.",
        "pt-BR": "Não existe esta etiqueta para este tipo de registro.",
      });
    }
  });
  if (refs.ownerId && owner.length === 0) {
    issues.add("ownerId", {
      en: "The owner must be a member of this organisation.",
      "pt-BR": "O responsável deve ser membro desta organização.",
    });
  }
  if (refs.companyId && company.length === 0) {
    issues.add("companyId", {
      en: "There is no such company in this organisation.",
      "pt-BR": "Não existe esta empresa nesta organização.",
    });
  }

  return { region: org[0]?.region ?? "BR", definitions };
}
