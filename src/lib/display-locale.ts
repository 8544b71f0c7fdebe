/**
 * The locale used to format what a person reads (money, dates, default names). Finer than the
 * message locale of errors.ts: Portugal and Brazil write money and some words differently.
 */
export const DISPLAY_LOCALES = ["pt-BR", "pt-PT", "en"] as const;
export type DisplayLocale = (typeof DISPLAY_LOCALES)[number];

/**
 * Picks the display locale from `Accept-Language`: "pt-PT" for Portugal's Portuguese, "pt-BR" for
 * any other Portuguese, "en" otherwise. Only the first (preferred) language counts.
 */
export function pickDisplayLocale(acceptLanguage: string | undefined): DisplayLocale {
  const first = acceptLanguage?.split(",")[0]?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (first === "pt-pt") return "pt-PT";
  if (first === "pt" || first.startsWith("pt-")) return "pt-BR";
  return "en";
}
