/** Request shapes of the tags API. Strict: unknown fields are refused, never dropped. */
import { z } from "zod";
import { ENTITIES } from "../../drizzle/schema.ts";

const name = z.string().trim().min(1).max(50);
const color = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^#[0-9a-f]{6}$/, { error: "Use a colour such as #1e90ff." })
  .nullable();

export const createTagBody = z.strictObject({
  /** The kind of record the tag is for: person, company or deal. */
  entity: z.enum(ENTITIES),
  name,
  color: color.optional(),
});

export const updateTagBody = z
  .strictObject({ name: name.optional(), color: color.optional() })
  .refine((body) => Object.keys(body).length > 0, { error: "Send at least one field to change." });

export const listTagsQuery = z.strictObject({
  entity: z.enum(ENTITIES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.string().max(2000).optional(),
});

export const tagIdParam = z.strictObject({ id: z.uuid({ error: "Not a tag id." }) });
