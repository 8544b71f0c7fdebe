import { describe, expect, it } from "vitest";
import { formatDate, isCalendarDate, isTimeZone, todayIn } from "../../src/lib/dates.ts";
import { pickDisplayLocale } from "../../src/lib/display-locale.ts";
import { formatMoney } from "../../src/lib/money.ts";

/** Intl separates symbol and number with a no-break space; compare as people read it. */
const plain = (text: string) => text.replaceAll("\u00a0", " ").replaceAll("\u202f", " ");

describe("formatMoney", () => {
  it.each([
    { minor: 123456, currency: "BRL", locale: "pt-BR", shown: "R$ 1.234,56" },
    { minor: 123456, currency: "EUR", locale: "pt-PT", shown: "1234,56 €" },
    { minor: 123456789, currency: "EUR", locale: "pt-PT", shown: "1 234 567,89 €" },
    { minor: 123456, currency: "USD", locale: "en", shown: "$1,234.56" },
    { minor: 5, currency: "BRL", locale: "pt-BR", shown: "R$ 0,05" },
    { minor: 0, currency: "USD", locale: "en", shown: "$0.00" },
    { minor: 100, currency: "BRL", locale: "en", shown: "R$1.00" },
  ] as const)(
    "shows $minor $currency in $locale as $shown",
    ({ minor, currency, locale, shown }) => {
      expect(plain(formatMoney(minor, currency, locale))).toBe(shown);
    },
  );

  it("formats amounts beyond floating-point precision exactly", () => {
    expect(plain(formatMoney(9007199254740993n, "USD", "en"))).toBe("$90,071,992,547,409.93");
  });
});

describe("formatDate", () => {
  it.each([
    { locale: "pt-BR", shown: "20/02/2026" },
    { locale: "pt-PT", shown: "20/02/2026" },
    { locale: "en", shown: "2/20/2026" },
  ] as const)("shows 2026-02-20 in $locale as $shown", ({ locale, shown }) => {
    expect(formatDate("2026-02-20", locale)).toBe(shown);
  });
});

describe("isCalendarDate", () => {
  it.each([
    { value: "2026-02-20", ok: true },
    { value: "2024-02-29", ok: true },
    { value: "2026-02-29", ok: false },
    { value: "2026-13-01", ok: false },
    { value: "2026-2-20", ok: false },
    { value: "20/02/2026", ok: false },
    { value: "2026-02-20T00:00:00Z", ok: false },
  ])("says $ok for $value", ({ value, ok }) => {
    expect(isCalendarDate(value)).toBe(ok);
  });
});

describe("isTimeZone", () => {
  it.each([
    { value: "America/Sao_Paulo", ok: true },
    { value: "Europe/Lisbon", ok: true },
    { value: "UTC", ok: true },
    { value: "Mars/Olympus_Mons", ok: false },
    { value: "-03:00", ok: false },
  ])("says $ok for $value", ({ value, ok }) => {
    expect(isTimeZone(value)).toBe(ok);
  });
});

describe("todayIn", () => {
  it("gives the local calendar day, not UTC's", () => {
    const lateInSaoPaulo = new Date("2026-02-21T02:30:00Z");

    expect(todayIn("America/Sao_Paulo", lateInSaoPaulo)).toBe("2026-02-20");
    expect(todayIn("Europe/Lisbon", lateInSaoPaulo)).toBe("2026-02-21");
  });
});

describe("pickDisplayLocale", () => {
  it.each([
    { header: "pt-PT,pt;q=0.9", locale: "pt-PT" },
    { header: "pt-BR,en;q=0.8", locale: "pt-BR" },
    { header: "pt", locale: "pt-BR" },
    { header: "en-GB", locale: "en" },
    { header: "fr-FR,pt-PT;q=0.5", locale: "en" },
    { header: undefined, locale: "en" },
  ])("picks $locale for $header", ({ header, locale }) => {
    expect(pickDisplayLocale(header)).toBe(locale);
  });
});
