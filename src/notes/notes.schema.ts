/** Request shapes of the notes API. Strict: unknown fields are refused, never dropped. */
import { z } from "zod";
import { RECORD_TYPES } from "../../drizzle/schema.ts";
import { versionBody } from "../records/record.schema.ts";

/** Markdown, up to 100 000 characters, not blank. */
const body = z
  .string()
  .max(100_000)
  .refine((text) => text.trim().length > 0, { error: "Write something in the note." });

export const createNoteBody = z.strictObject({
  recordType: z.enum(RECORD_TYPES),
  recordId: z.uuid({ error: "Not a record id." }),
  body,
});

export const updateNoteBody = z.strictObject({ body, version: versionBody });

export const listNotesQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(2000).optional(),
    recordType: z.enum(RECORD_TYPES).optional(),
    recordId: z.uuid({ error: "Not a record id." }).optional(),
  })
  .refine((q) => (q.recordType === undefined) === (q.recordId === undefined), {
    error: "Send recordType and recordId together.",
    path: ["recordId"],
  });
