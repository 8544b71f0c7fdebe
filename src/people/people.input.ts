/**
 * From a validated request body to the columns of a person: phones in E.164 (the organisation's
 * region as default), CPF as 11 digits, emails without repeats, custom values checked against
 * their definitions. Problems are recorded in `issues`, all of them, before anything is written.
 */
import { applyCustomValues } from "../custom-fields/values.ts";
import { normaliseCpf } from "../lib/tax-id.ts";
import type { Issues } from "../records/issues.ts";
import { addressOrNull, normalisePhones, unique, withoutUndefined } from "../records/normalise.ts";
import type { WriteContext } from "../records/write-context.ts";
import type { PersonFields } from "./people.queries.ts";
import type { UpdatePersonBody } from "./people.schema.ts";

type Body = Omit<UpdatePersonBody, "version">;

/**
 * The columns `body` sets. On create (`current` undefined) every column gets a value, the
 * defaults filling what was not sent; on update only the fields sent.
 */
export function personFields(
  body: Body,
  context: WriteContext,
  issues: Issues,
  current?: PersonFields,
): Partial<PersonFields> {
  const creating = current === undefined;
  const fields: Partial<PersonFields> = {
    firstName: body.firstName,
    lastName: body.lastName ?? (creating ? "" : undefined),
    jobTitle: body.jobTitle,
    companyId: body.companyId,
    address: body.address === undefined ? undefined : addressOrNull(body.address),
    ownerId: body.ownerId,
    tagIds: body.tagIds,
    emails: body.emails && unique(body.emails),
    phones: body.phones && normalisePhones(body.phones, context.region, issues),
    cpf: body.cpf === undefined ? undefined : cpfOf(body.cpf, issues),
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

function cpfOf(input: string | null, issues: Issues): string | null {
  if (input === null || input === "") return null;
  const cpf = normaliseCpf(input);
  if (!cpf) {
    issues.add("cpf", {
      en: "Not a valid CPF: check the 11 digits.",
      "pt-BR": "CPF inválido: confira os 11 dígitos.",
    });
  }
  return cpf ?? null;
}
