/**
 * From a validated request body to the columns of a company: tax id checked and stored without
 * punctuation (CNPJ, numeric or alphanumeric, or NIF: the kind sent, else the organisation's
 * region's), phones in E.164, custom values checked against their definitions. Problems are
 * recorded in `issues`, all of them, before anything is written.
 */
import { applyCustomValues } from "../custom-fields/values.ts";
import { normaliseTaxId, type TaxIdKind, taxIdKindFor } from "../lib/tax-id.ts";
import type { Issues, Message } from "../records/issues.ts";
import { addressOrNull, normalisePhones, withoutUndefined } from "../records/normalise.ts";
import type { WriteContext } from "../records/write-context.ts";
import type { CompanyFields } from "./companies.queries.ts";
import type { UpdateCompanyBody } from "./companies.schema.ts";

type Body = Omit<UpdateCompanyBody, "version">;

const INVALID: Record<TaxIdKind, Message> = {
  cnpj: {
    en: "Not a valid CNPJ: check the 14 characters (letters are allowed in the first 12).",
    "pt-BR": "CNPJ inválido: confira os 14 caracteres (letras são aceitas nos 12 primeiros).",
  },
  nif: {
    en: "Not a valid NIF: check the 9 digits.",
    "pt-BR": "NIF inválido: confira os 9 dígitos.",
  },
};

/**
 * The columns `body` sets. On create (`current` undefined) every column gets a value, the
 * defaults filling what was not sent; on update only the fields sent.
 */
export function companyFields(
  body: Body,
  context: WriteContext,
  issues: Issues,
  current?: CompanyFields,
): Partial<CompanyFields> {
  const creating = current === undefined;
  const fields: Partial<CompanyFields> = {
    name: body.name,
    domains: body.domains,
    industry: body.industry,
    size: body.size,
    website: body.website,
    address: body.address === undefined ? undefined : addressOrNull(body.address),
    ownerId: body.ownerId,
    tagIds: body.tagIds,
    phones: body.phones && normalisePhones(body.phones, context.region, issues),
    ...taxIdOf(body, context.region, issues),
  };
  if (creating || body.custom !== undefined) {
    fields.custom = applyCustomValues(
      {
        definitions: context.definitions,
        values: body.custom,
        current: current?.custom ?? {},
        creating,
      },
      issues,
    );
  }
  return withoutUndefined(fields);
}

function taxIdOf(
  body: Body,
  region: string,
  issues: Issues,
): Pick<Partial<CompanyFields>, "taxId" | "taxIdKind"> {
  if (body.taxId === undefined) return {};
  if (body.taxId === null || body.taxId === "") return { taxId: null, taxIdKind: null };
  const kind = body.taxIdKind ?? taxIdKindFor(region);
  const taxId = normaliseTaxId(kind, body.taxId);
  if (!taxId) issues.add("taxId", INVALID[kind]);
  return { taxId: taxId ?? null, taxIdKind: kind };
}
