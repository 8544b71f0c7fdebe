/** Request shapes of the companies API. Strict: unknown fields are refused, never dropped. */
import { z } from "zod";
import { isWebUrl } from "../custom-fields/values.ts";
import { recordListQuery } from "../records/list-query.ts";
import {
  addressBody,
  changesSomething,
  customBody,
  ownerIdBody,
  phonesBody,
  tagIdsBody,
  versionBody,
} from "../records/record.schema.ts";

export const COMPANY_SIZES = ["1-10", "11-50", "51-200", "201-1000", "1001+"] as const;

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    error: "Not a domain name (such as padaria.com.br).",
  });

const fields = {
  name: z.string().trim().min(1).max(200),
  domains: z
    .array(domain)
    .max(20)
    .refine((d) => new Set(d).size === d.length, { error: "A domain is listed twice." })
    .optional(),
  /** CNPJ (numeric or alphanumeric) or NIF, with or without its mask. */
  taxId: z.string().trim().max(30).nullable().optional(),
  /** Which id `taxId` is; by default the organisation's region's (BR: cnpj, PT: nif). */
  taxIdKind: z.enum(["cnpj", "nif"]).optional(),
  industry: z.string().trim().max(100).nullable().optional(),
  size: z.enum(COMPANY_SIZES).nullable().optional(),
  address: addressBody.nullable().optional(),
  phones: phonesBody.optional(),
  website: z
    .string()
    .trim()
    .refine(isWebUrl, { error: "Not a web address starting with http:// or https://." })
    .nullable()
    .optional(),
  /** By default, the person creating the record. */
  ownerId: ownerIdBody.optional(),
  tagIds: tagIdsBody.optional(),
  custom: customBody.optional(),
};

const taxIdKindNeedsTaxId = (body: { taxId?: unknown; taxIdKind?: unknown }) =>
  body.taxIdKind === undefined || (body.taxId !== undefined && body.taxId !== null);
const kindError = { error: "Send taxIdKind together with taxId.", path: ["taxIdKind"] };

export const createCompanyBody = z.strictObject(fields).refine(taxIdKindNeedsTaxId, kindError);

export const updateCompanyBody = z
  .strictObject({ ...fields, name: fields.name.optional(), version: versionBody })
  .refine(changesSomething, { error: "Send at least one field to change." })
  .refine(taxIdKindNeedsTaxId, kindError);

export const listCompaniesQuery = recordListQuery({});

export type UpdateCompanyBody = z.infer<typeof updateCompanyBody>;
