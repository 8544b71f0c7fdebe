/** Request shapes of the custom fields API. Strict: unknown fields are refused, never dropped. */
import { z } from "zod";
import { ENTITIES, FIELD_TYPES } from "../../drizzle/schema.ts";

const CHOICE_TYPES = ["select", "multiselect"];

const label = z.string().trim().min(1).max(100);
const options = z
  .array(z.string().trim().min(1).max(100))
  .min(1)
  .max(200)
  .refine((o) => new Set(o).size === o.length, { error: "An option is listed twice." });
const position = z.number().int().min(0).max(10_000);

export const createCustomFieldBody = z
  .strictObject({
    /** The kind of record the field is for: person, company or deal. */
    entity: z.enum(ENTITIES),
    /** The name values are stored under in a record's `custom` object. Cannot change later. */
    key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, {
      error: "Use lower-case letters, digits and _, starting with a letter (at most 63).",
    }),
    label,
    type: z.enum(FIELD_TYPES),
    /** The choices of a select or multiselect field (and only those). */
    options: options.optional(),
    /** Required fields must have a value when a record is created. */
    required: z.boolean().optional(),
    position: position.optional(),
  })
  .refine((b) => CHOICE_TYPES.includes(b.type) === (b.options !== undefined), {
    error: "Select and multiselect fields need options; other types take none.",
    path: ["options"],
  });

export const updateCustomFieldBody = z
  .strictObject({
    label: label.optional(),
    options: options.optional(),
    required: z.boolean().optional(),
    position: position.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { error: "Send at least one field to change." });

export const listCustomFieldsQuery = z.strictObject({
  entity: z.enum(ENTITIES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.string().max(2000).optional(),
});

export const customFieldIdParam = z.strictObject({
  id: z.uuid({ error: "Not a custom field id." }),
});

/** Whether a field of `type` has a list of options. */
export function hasOptions(type: string): boolean {
  return CHOICE_TYPES.includes(type);
}
