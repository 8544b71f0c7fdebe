/**
 * Error monitoring with Sentry's Workers SDK, on only when the `SENTRY_DSN` secret is set (an EU
 * DSN, `https://…@….ingest.de.sentry.io/…`). Only 5xx and unexpected errors are reported (see
 * http/error-handler.ts), each tagged with its request id. `scrub` runs before anything leaves the
 * Worker: no request body, cookie, query string, user or breadcrumb, only harmless headers, and no
 * statement parameters in error messages.
 */
import type { ErrorEvent } from "@sentry/cloudflare";
import { captureException, setAsyncLocalStorageAsyncContextStrategy } from "@sentry/cloudflare";
import { wrapRequestHandler } from "@sentry/cloudflare/request";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";

// Without it the request's scope (and its client) is lost across awaits, and a capture in the
// error handler goes nowhere. `withSentry` would set it; this module wraps only the fetch path.
setAsyncLocalStorageAsyncContextStrategy();

/** Headers that say nothing about who the caller is; every other header is dropped. */
const SAFE_HEADERS = ["accept", "accept-language", "content-length", "content-type"];

/**
 * Opens a Sentry scope for the request when a DSN is set; the SDK sends what was captured
 * through `waitUntil`, after the response.
 */
export const monitoring = createMiddleware<AppEnv>(async (c, next) => {
  const dsn = c.env.SENTRY_DSN;
  const context = executionContext(c);
  if (!dsn || !context) return next();
  await wrapRequestHandler(
    {
      options: {
        dsn,
        // The SDK's defaults collect users, cookies, headers, query strings and bodies.
        dataCollection: {
          userInfo: false,
          cookies: false,
          httpHeaders: { request: { allow: SAFE_HEADERS }, response: false },
          httpBodies: [],
          urlQueryParams: false,
          databaseQueryData: false,
          stackFrameVariables: false,
        },
        // Errors only: no traces, so no spans carrying URLs or timings of a person's work.
        tracesSampleRate: 0,
        beforeSend: scrub,
        beforeBreadcrumb: () => null,
      },
      request: c.req.raw,
      context,
      // The error handler decides what is reported; a 4xx must never be.
      captureErrors: false,
    },
    async () => {
      await next();
      return c.res;
    },
  );
});

/** Reports an unexpected error or a 5xx of this request, when monitoring is on. */
export function reportError(c: Context<AppEnv>, error: unknown, code: string): void {
  if (!c.env.SENTRY_DSN) return;
  captureException(error, { tags: { requestId: c.get("requestId"), code } });
}

/** Keeps what tells an operator what broke, and nothing about whom it happened to. */
export function scrub(event: ErrorEvent): ErrorEvent {
  const { request } = event;
  event.request = request && {
    method: request.method,
    url: request.url?.split("?")[0],
    headers: Object.fromEntries(
      Object.entries(request.headers ?? {}).filter(([name]) =>
        SAFE_HEADERS.includes(name.toLowerCase()),
      ),
    ),
  };
  delete event.user;
  delete event.breadcrumbs;
  delete event.extra;
  delete event.server_name;
  for (const exception of event.exception?.values ?? []) {
    if (exception.value) exception.value = withoutParams(exception.value);
  }
  if (event.message) event.message = withoutParams(event.message);
  return event;
}

/** drizzle writes a failed statement's parameters (user data) into its error message. */
function withoutParams(text: string): string {
  return text.replace(/\nparams: [\s\S]*$/, "\nparams: [redacted]");
}

function executionContext(c: Context<AppEnv>) {
  try {
    return c.executionCtx;
  } catch {
    // `app.request()` without an execution context: nothing could send the event afterwards.
    return undefined;
  }
}
