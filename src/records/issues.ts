/**
 * Field-level validation problems found after the request's shape was checked (against the
 * organisation's region, custom field definitions, tags, members and companies), with messages
 * in the caller's language. All problems of a request are reported together.
 */
import { sqlState } from "../db/tenant.ts";
import { AppError, type FieldIssue, type Locale } from "../lib/errors.ts";

/** One message in every language the API speaks. */
export type Message = Record<Locale, string>;

export class Issues {
  private readonly found: FieldIssue[] = [];

  constructor(private readonly locale: Locale) {}

  /** Records that the field at `path` (e.g. `phones.1`, `custom.segment`) is wrong. */
  add(path: string, message: Message): void {
    this.found.push({ path, message: message[this.locale] });
  }

  /** Throws VALIDATION_FAILED with every problem recorded so far, if any. */
  throwIfAny(): void {
    if (this.found.length > 0) {
      throw new AppError("VALIDATION_FAILED", { details: [...this.found] });
    }
  }
}

/**
 * Awaits `batch`; a unique violation (a second tag with the same name, a second field with the
 * same key) becomes VALIDATION_FAILED on `path` with `message`, in `locale`.
 */
export async function refusingDuplicates<T>(
  batch: Promise<T>,
  duplicate: { locale: Locale; path: string; message: Message },
): Promise<T> {
  try {
    return await batch;
  } catch (error) {
    if (sqlState(error) !== "23505") throw error;
    const issues = new Issues(duplicate.locale);
    issues.add(duplicate.path, duplicate.message);
    issues.throwIfAny();
    throw error;
  }
}
