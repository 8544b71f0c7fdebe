/**
 * Custom field values checked against their definitions. A record's `custom` object maps field
 * keys to values; a request sends only the keys it sets (null clears one). Used by every kind of
 * record (people, companies, deals), so each reports its problems the same way.
 */
import type { FIELD_TYPES } from "../../drizzle/schema.ts";
import type { Issues } from "../records/issues.ts";

export type FieldType = (typeof FIELD_TYPES)[number];

/** What a value is checked against (a row of `custom_fields`). */
export type FieldDefinition = {
  key: string;
  label: string;
  type: FieldType;
  options: string[];
  required: boolean;
};

const MAX_TEXT = 2000;
const MAX_URL = 2048;

/**
 * The record's `custom` object after applying `values`, recording a problem in `issues` for
 * every value that does not fit its definition.
 *
 * @param input.values what the request sends (keys to set; null or empty clears)
 * @param input.current the record's values before the change ({} on create)
 * @param input.creating when true, every required field must end up with a value
 */
export function applyCustomValues(
  input: {
    definitions: FieldDefinition[];
    values: Record<string, unknown> | undefined;
    current: Record<string, unknown>;
    creating: boolean;
  },
  issues: Issues,
): Record<string, unknown> {
  const byKey = new Map(input.definitions.map((d) => [d.key, d]));
  const result: Record<string, unknown> = { ...input.current };

  for (const [key, raw] of Object.entries(input.values ?? {})) {
    const path = `custom.${key}`;
    const definition = byKey.get(key);
    if (!definition) {
      issues.add(path, {
        en: `There is no custom field "${key}" for this kind of record.`,
        "pt-BR": `Não existe o campo personalizado "${key}" para este tipo de registro.`,
      });
      continue;
    }
    const value = normalise(definition, raw, issues, path);
    if (value === INVALID) continue;
    if (value === undefined) {
      if (definition.required) issues.add(path, required(definition));
      delete result[key];
    } else {
      result[key] = value;
    }
  }

  if (input.creating) {
    for (const definition of input.definitions) {
      if (definition.required && result[definition.key] === undefined) {
        issues.add(`custom.${definition.key}`, required(definition));
      }
    }
  }
  return result;
}

const INVALID = Symbol("invalid");

/** The value to store, undefined for "no value", or INVALID after recording why. */
function normalise(
  definition: FieldDefinition,
  raw: unknown,
  issues: Issues,
  path: string,
): unknown {
  if (raw === null) return undefined;
  const { label } = definition;
  const wrong = (en: string, pt: string) => {
    issues.add(path, { en: `${label}: ${en}`, "pt-BR": `${label}: ${pt}` });
    return INVALID;
  };

  switch (definition.type) {
    case "text": {
      if (typeof raw !== "string") return wrong("expected text.", "esperava um texto.");
      const text = raw.trim();
      if (text.length > MAX_TEXT) {
        return wrong(`at most ${MAX_TEXT} characters.`, `no máximo ${MAX_TEXT} caracteres.`);
      }
      return text === "" ? undefined : text;
    }
    case "number":
      if (typeof raw !== "number" || !Number.isFinite(raw)) {
        return wrong("expected a number.", "esperava um número.");
      }
      return raw;
    case "boolean":
      if (typeof raw !== "boolean")
        return wrong("expected true or false.", "esperava true ou false.");
      return raw;
    case "date":
      if (typeof raw !== "string" || !isCalendarDate(raw)) {
        return wrong("expected a date as YYYY-MM-DD.", "esperava uma data no formato AAAA-MM-DD.");
      }
      return raw;
    case "url":
      if (typeof raw !== "string" || !isWebUrl(raw.trim())) {
        return wrong(
          "expected a web address starting with http:// or https://.",
          "esperava um endereço web começando com http:// ou https://.",
        );
      }
      return raw.trim();
    case "select":
      if (typeof raw !== "string" || !definition.options.includes(raw)) {
        return wrong(
          `expected one of: ${definition.options.join(", ")}.`,
          `esperava uma destas opções: ${definition.options.join(", ")}.`,
        );
      }
      return raw;
    case "multiselect": {
      if (
        !Array.isArray(raw) ||
        !raw.every((v) => typeof v === "string" && definition.options.includes(v))
      ) {
        return wrong(
          `expected a list of: ${definition.options.join(", ")}.`,
          `esperava uma lista destas opções: ${definition.options.join(", ")}.`,
        );
      }
      const chosen = [...new Set(raw as string[])];
      return chosen.length === 0 ? undefined : chosen;
    }
  }
}

function required(definition: FieldDefinition) {
  return {
    en: `${definition.label} is required.`,
    "pt-BR": `${definition.label} é obrigatório.`,
  };
}

/** `YYYY-MM-DD` naming a day that exists (no 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** An absolute http(s) URL of reasonable length. */
export function isWebUrl(value: string): boolean {
  if (value.length > MAX_URL || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.includes(".");
}
