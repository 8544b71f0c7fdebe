/** Request shapes of the people API. Strict: unknown fields are refused, never dropped. */
import { z } from "zod";
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

const name = z.string().trim().max(200);
const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Not a valid email address." }).max(254));

const fields = {
  firstName: name.min(1),
  lastName: name.optional(),
  emails: z.array(email).max(20).optional(),
  phones: phonesBody.optional(),
  jobTitle: z.string().trim().max(200).nullable().optional(),
  companyId: z.uuid({ error: "Not a company id." }).nullable().optional(),
  /** With or without its mask; stored as 11 digits. */
  cpf: z.string().trim().max(20).nullable().optional(),
  address: addressBody.nullable().optional(),
  /** By default, the person creating the record. */
  ownerId: ownerIdBody.optional(),
  tagIds: tagIdsBody.optional(),
  custom: customBody.optional(),
};

export const createPersonBody = z.strictObject(fields);

export const updatePersonBody = z
  .strictObject({ ...fields, firstName: fields.firstName.optional(), version: versionBody })
  .refine(changesSomething, { error: "Send at least one field to change." });

export const listPeopleQuery = recordListQuery({
  companyId: z.uuid({ error: "Not a company id." }).optional(),
});

export type CreatePersonBody = z.infer<typeof createPersonBody>;
export type UpdatePersonBody = z.infer<typeof updatePersonBody>;
