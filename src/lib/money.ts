/**
 * Money for display. Amounts travel and are stored as integer minor units (centavos, cêntimos,
 * cents) and are only turned into text here, with Intl, so no floating point ever touches them.
 */
import type { DisplayLocale } from "./display-locale.ts";

/**
 * Formats `amountMinor` of `currency` for `locale`: `R$ 1.234,56` (pt-BR), `1234,56 €` (pt-PT),
 * `$1,234.56` (en). Intl puts a no-break space between symbol and number where a locale has one.
 *
 * @param amountMinor an integer number of minor units; may exceed 2^53 as a bigint
 * @param currency an ISO 4217 code (BRL, EUR, USD)
 */
export function formatMoney(
  amountMinor: number | bigint,
  currency: string,
  locale: DisplayLocale,
): string {
  const format = new Intl.NumberFormat(locale, { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(toDecimalString(BigInt(amountMinor), digits) as `${number}`);
}

/** `123456n, 2` → `"1234.56"`: exact, because Intl formats decimal strings without rounding them. */
function toDecimalString(minor: bigint, digits: number): string {
  const sign = minor < 0n ? "-" : "";
  const units = (minor < 0n ? -minor : minor).toString().padStart(digits + 1, "0");
  if (digits === 0) return `${sign}${units}`;
  return `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}
