/**
 * Calendar dates and time zones. A date (`YYYY-MM-DD`) is a day on the calendar, the same day
 * everywhere: it is never turned into a moment, so no time zone can shift it by a day.
 */
import type { DisplayLocale } from "./display-locale.ts";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written `YYYY-MM-DD` (so `2026-02-30` is false). */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1 &&
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day
  );
}

/** True for an IANA time zone name the runtime knows, such as `America/Sao_Paulo`. */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value.includes("/") || value === "UTC";
  } catch {
    return false;
  }
}

/**
 * Formats a calendar date for `locale`: `20/02/2026` (pt-BR, pt-PT), `2/20/2026` (en). The day is
 * formatted in UTC, where it was built, so it cannot move.
 */
export function formatDate(date: string, locale: DisplayLocale): string {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(locale, {
    timeZone: "UTC",
    year: "numeric",
    month: locale === "en" ? "numeric" : "2-digit",
    day: locale === "en" ? "numeric" : "2-digit",
  }).format(day);
}

/** Today's calendar date in `timeZone`, as `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone }).format(now);
}
