import { z } from "zod";

const name = z.string().trim().max(200);

/** Strict: unknown fields (`org_id`, `id`, ...) are refused, never silently dropped. */
export const createContactBody = z.strictObject({
  firstName: name.min(1),
  lastName: name.optional(),
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)).nullable().optional(),
  phone: z.string().trim().max(40).nullable().optional(),
});

export const updateContactBody = createContactBody
  .partial()
  .refine((body) => Object.keys(body).length > 0, { error: "Send at least one field to change." });

export const contactIdParam = z.strictObject({ id: z.uuid({ error: "Not a contact id." }) });

export const listContactsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid({ error: "Not a valid cursor." }).optional(),
});
