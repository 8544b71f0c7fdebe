/**
 * `zValidator` with our error shape: a failed schema becomes VALIDATION_FAILED with one entry per
 * problem (`path`, `message`), so clients can point at the field.
 *
 * Before the schema runs, every string of the input is checked for what Postgres cannot store
 * (NUL) and what is not text at all (unpaired UTF-16 surrogates): those are refused on their field
 * here, instead of failing as a database error later. A JSON body must be sent as JSON.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { AppError, type FieldIssue } from "../lib/errors.ts";

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(
  target: Target,
  schema: Schema,
) {
  return zValidator(target, schema, (result, c) => {
    // Hono reads a body of another type as `{}`; say what is wrong instead of "field missing".
    if (
      target === "json" &&
      !JSON_TYPE.test(c.req.header("content-type")?.split(";")[0]?.trim() ?? "")
    ) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE");
    }
    if (!result.success) {
      const details = result.error.issues.map((issue) => ({
        path: issue.path.map(String).join("."),
        message: issue.message,
      }));
      throw new AppError("VALIDATION_FAILED", { details });
    }
    const details = unstorableStrings(result.data);
    if (details.length > 0) throw new AppError("VALIDATION_FAILED", { details });
  });
}

/** The paths of strings holding NUL or a lone surrogate, anywhere in `value`. */
export function unstorableStrings(value: unknown, path: string[] = []): FieldIssue[] {
  if (typeof value === "string") {
    if (value.includes("\u0000") || !value.isWellFormed()) {
      return [{ path: path.join("."), message: "Contains characters that are not text." }];
    }
    return [];
  }
  if (Array.isArray(value))
    return value.flatMap((v, i) => unstorableStrings(v, [...path, String(i)]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => unstorableStrings(v, [...path, k]));
  }
  return [];
}
