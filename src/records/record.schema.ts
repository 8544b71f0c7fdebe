/**
 * Request fields every kind of record shares (people, companies, deals): owner, tags, custom
 * field values, the version an update was based on, an address. Strict objects, so nothing
 * else (org_id, created_by, deleted_at, ...) can ride along.
 */
import { z } from "zod";

const line = (max: number) => z.string().trim().max(max);

/** A postal address as Brazilian and Portuguese forms ask for it. Every part optional. */
export const addressBody = z.strictObject({
  street: line(200).optional(),
  number: line(20).optional(),
  complement: line(100).optional(),
  district: line(100).optional(),
  city: line(100).optional(),
  state: line(50).optional(),
  /** Text, so a CEP keeps its leading zero: "01310-100". */
  postalCode: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z][0-9A-Za-z -]{1,14}$/, { error: "Not a postal code." })
    .optional(),
  /** ISO 3166-1 alpha-2 (BR, PT). */
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, { error: "Use a two-letter country code, such as BR or PT." })
    .optional(),
});

/** Phone numbers as typed; turned into E.164 with the organisation's region as the default. */
export const phonesBody = z.array(z.string().trim().min(1).max(40)).max(10);

export const tagIdsBody = z
  .array(z.uuid({ error: "Not a tag id." }))
  .max(50)
  .refine((ids) => new Set(ids).size === ids.length, { error: "A tag is listed twice." });

export const ownerIdBody = z.uuid({ error: "Not a user id." }).nullable();

/** Values of custom fields by key; checked against their definitions by the route. */
export const customBody = z.record(z.string().max(63), z.unknown());

/** The version the client read; an update of an older version is a 409. */
export const versionBody = z.number({ error: "Send the version you read." }).int().min(1);

export const recordIdParam = z.strictObject({ id: z.uuid({ error: "Not a record id." }) });

/** PATCH bodies must change something besides naming the version. */
export function changesSomething(body: Record<string, unknown>): boolean {
  return Object.keys(body).some((key) => key !== "version");
}
