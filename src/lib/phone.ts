/**
 * Phone numbers: stored in E.164 (`+5511987654321`), shown in the national format of their
 * country. Parsing uses libphonenumber-js (Google's metadata) with its "min" metadata, whose
 * validity check is the number's length for its country and prefix. Its author advises this
 * over digit-by-digit validation, which rejects newly allocated ranges until the next upgrade.
 */
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";

/** A stored number as the API shows it. */
export type PhoneView = {
  e164: string;
  /** As dialled inside its country: `(11) 98765-4321`, `912 345 678`. */
  national: string;
  /** As dialled from abroad: `+55 11 98765-4321`. */
  international: string;
};

/**
 * The E.164 form of what someone typed, or undefined when it is not a phone number.
 *
 * @param input digits with any punctuation; a number without `+country` is read as `region`'s
 * @param region ISO 3166-1 alpha-2 code of the organisation (BR, PT)
 */
export function toE164(input: string, region: string): string | undefined {
  const parsed = parsePhoneNumberFromString(input, {
    defaultCountry: region as CountryCode,
    // The whole input must be the number: "call 11 98765-4321 after 6" is not a phone number.
    extract: false,
  });
  return parsed?.isValid() ? parsed.number : undefined;
}

/** How a stored E.164 number is shown; a value that no longer parses is shown as it is. */
export function phoneView(e164: string): PhoneView {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return { e164, national: e164, international: e164 };
  return {
    e164,
    national: parsed.formatNational(),
    international: parsed.formatInternational(),
  };
}
