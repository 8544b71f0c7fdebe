/**
 * `zValidator` with our error shape: a failed schema becomes VALIDATION_FAILED with one entry per
 * problem (`path`, `message`), so clients can point at the field.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { AppError } from "../lib/errors.ts";

export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(
  target: Target,
  schema: Schema,
) {
  return zValidator(target, schema, (result) => {
    if (result.success) return;
    const details = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    throw new AppError("VALIDATION_FAILED", { details });
  });
}
