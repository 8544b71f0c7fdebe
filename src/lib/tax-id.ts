/**
 * Tax identifiers of Brazil and Portugal, normalised for storage (no punctuation) and checked by
 * their check digits:
 * - CNPJ (Brazilian company): 14 characters. Since July 2026 the first 12 may be letters A-Z as
 *   well as digits; the two check digits stay digits, computed modulo 11 over each character's
 *   ASCII code minus 48 (so digits keep their value and A = 17). cpf-cnpj-validator implements it.
 * - CPF (Brazilian person): 11 digits, modulo 11.
 * - NIF (Portuguese taxpayer): 9 digits, the last a modulo 11 check digit.
 */
import { cnpj, cpf } from "cpf-cnpj-validator";

export type TaxIdKind = "cnpj" | "nif";

/** The kind of company tax id an organisation in `region` uses by default. */
export function taxIdKindFor(region: string): TaxIdKind {
  return region === "PT" ? "nif" : "cnpj";
}

/** `input` as stored (upper case, no punctuation) when it is a valid id of `kind`, else undefined. */
export function normaliseTaxId(kind: TaxIdKind, input: string): string | undefined {
  return kind === "cnpj" ? normaliseCnpj(input) : normaliseNif(input);
}

/** A CNPJ, numeric or alphanumeric, with or without its mask (`12.ABC.345/01DE-35`). */
export function normaliseCnpj(input: string): string | undefined {
  const value = stripMask(input).toUpperCase();
  if (!/^[0-9A-Z]{12}[0-9]{2}$/.test(value)) return undefined;
  return cnpj.isValid(value, true) ? value : undefined;
}

/** A CPF with or without its mask (`123.456.789-09`), as 11 digits. */
export function normaliseCpf(input: string): string | undefined {
  const value = stripMask(input);
  if (!/^[0-9]{11}$/.test(value)) return undefined;
  return cpf.isValid(value, true) ? value : undefined;
}

// First digits the Portuguese tax authority assigns: 1-3 people, 45 non-resident people,
// 5 companies, 6 public bodies, 7x and 9x special entities, 8 sole traders (former).
const NIF_PREFIX = /^(?:[1235689]|45|7[0-9]|9[0-9])/;

/** A Portuguese NIF (`PT 501 964 843` or `501964843`), as 9 digits. */
export function normaliseNif(input: string): string | undefined {
  const value = stripMask(input).replace(/^PT/i, "");
  if (!/^[0-9]{9}$/.test(value) || !NIF_PREFIX.test(value)) return undefined;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(value[i]) * (9 - i);
  const check = 11 - (sum % 11);
  return (check >= 10 ? 0 : check) === Number(value[8]) ? value : undefined;
}

/** A stored id with its usual mask: `12.ABC.345/01DE-35`, `123.456.789-09`, `501 964 843`. */
export function formatTaxId(kind: TaxIdKind | "cpf", value: string): string {
  if (kind === "cnpj") return cnpj.format(value);
  if (kind === "cpf") return cpf.format(value);
  return value.replace(/^(\d{3})(\d{3})(\d{3})$/, "$1 $2 $3");
}

function stripMask(input: string): string {
  return input.trim().replace(/[\s./-]/g, "");
}
