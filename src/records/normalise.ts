/** Normalising record fields that people and companies share, with localised problems. */
import { toE164 } from "../lib/phone.ts";
import type { Issues } from "./issues.ts";
import { diff } from "./timeline.ts";

/**
 * The E.164 form of each phone number, in the order sent, without duplicates. Numbers without a
 * country code are read as the organisation's region's.
 */
export function normalisePhones(phones: string[], region: string, issues: Issues): string[] {
  const result: string[] = [];
  phones.forEach((input, index) => {
    const e164 = toE164(input, region);
    if (!e164) {
      issues.add(`phones.${index}`, {
        en: `"${input}" is not a phone number we recognise. Include the area code, or +country code for numbers abroad.`,
        "pt-BR": `"${input}" não é um telefone que reconhecemos. Inclua o DDD, ou +código do país para números do exterior.`,
      });
      return;
    }
    if (!result.includes(e164)) result.push(e164);
  });
  return result;
}

/** `values` without repeats, first occurrence kept. */
export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** The fields of `fields` that hold a value, as a timeline's "created" changes. */
export function initialValues(fields: Record<string, unknown>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    const empty =
      value === null ||
      value === "" ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === "object" && value !== null && Object.keys(value).length === 0);
    if (!empty) changes[field] = { old: null, new: value };
  }
  return changes;
}

/** An address with no part filled is no address. */
export function addressOrNull<T extends Record<string, string | undefined>>(
  address: T | null,
): T | null {
  if (!address) return null;
  const filled = Object.entries(address).filter(([, v]) => v !== undefined && v !== "");
  return filled.length > 0 ? (Object.fromEntries(filled) as T) : null;
}

/** `fields` without the keys whose value is undefined (so drizzle leaves those columns alone). */
export function withoutUndefined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The `{ field: { old, new } }` changes of `fields` against `current`, comparing JSON values by
 * content (a jsonb column reads back with its keys in another order than the request sent).
 */
export function changesOf(
  current: Record<string, unknown>,
  fields: Record<string, unknown>,
): Record<string, { old: unknown; new: unknown }> {
  const before = Object.fromEntries(Object.keys(fields).map((k) => [k, canonical(current[k])]));
  return diff(before, canonical(fields) as Record<string, unknown>);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}
