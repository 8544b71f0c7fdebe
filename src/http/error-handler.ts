/**
 * Renders every failure as `{ error: { code, message, requestId, details? } }`. Unexpected errors
 * become INTERNAL and are logged with their cause, and every 5xx is reported to Sentry when it is
 * configured; expected (4xx) errors are neither.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.ts";
import { AppError, errorMessage } from "../lib/errors.ts";
import { reportError } from "../monitoring/sentry.ts";

export function handleError(error: Error, c: Context<AppEnv>): Response {
  const appError = toAppError(error);
  if (appError.status >= 500) {
    c.get("logger").error("request failed", { code: appError.code, error });
    reportError(c, error, appError.code);
  }
  if (appError.retryAfterSeconds !== undefined) {
    c.header("Retry-After", String(appError.retryAfterSeconds));
  }
  return c.json(
    {
      error: {
        code: appError.code,
        message: errorMessage(appError.code, c.get("locale")),
        requestId: c.get("requestId"),
        ...(appError.details ? { details: appError.details } : {}),
      },
    },
    appError.status,
  );
}

function toAppError(error: Error): AppError {
  if (error instanceof AppError) return error;
  // Hono's own validator throws these for bodies it cannot read.
  if (error instanceof HTTPException && error.status === 400) {
    const code = /content-type/i.test(error.message) ? "UNSUPPORTED_MEDIA_TYPE" : "MALFORMED_JSON";
    return new AppError(code, { cause: error });
  }
  if (error instanceof HTTPException && error.status === 413) {
    return new AppError("PAYLOAD_TOO_LARGE", { cause: error });
  }
  return new AppError("INTERNAL", { cause: error });
}
