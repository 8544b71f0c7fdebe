/** Request shapes of the files API, and the content types it accepts. Strict objects. */
import { z } from "zod";
import { RECORD_TYPES } from "../../drizzle/schema.ts";

/**
 * The content types an upload may declare: documents, spreadsheets, images and plain text. No
 * HTML, SVG, scripts or archives; and every download is an attachment with nosniff anyway.
 */
export const ALLOWED_CONTENT_TYPES = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/webp",
  "image/gif",
  "text/csv",
  "text/plain",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.ms-excel",
  "application/msword",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
] as const;

/** The content type without parameters, lower case: "Text/CSV; charset=utf-8" → "text/csv". */
export function essenceOf(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

export const createFileBody = z.strictObject({
  recordType: z.enum(RECORD_TYPES),
  recordId: z.uuid({ error: "Not a record id." }),
  name: z.string().min(1).max(1000),
  contentType: z.string().min(1).max(255),
  size: z.number().int().positive(),
});

export const listFilesQuery = z.strictObject({
  recordType: z.enum(RECORD_TYPES),
  recordId: z.uuid({ error: "Not a record id." }),
});
