/**
 * First middleware of every request: a request id (returned in `X-Request-Id`), the locale for
 * messages, one request-scoped JSON logger, and one summary log line when the response is ready.
 */
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { AppEnv } from "../env.ts";
import { pickLocale } from "../lib/errors.ts";
import { newRequestId } from "../lib/ids.ts";
import { createLogger } from "../lib/logger.ts";

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = newRequestId();
  const started = Date.now();
  c.set("requestId", requestId);
  c.set("locale", pickLocale(c.req.header("accept-language")));
  c.set("logger", createLogger({ requestId }));

  await next();

  c.header("X-Request-Id", requestId);
  c.get("logger").info("request", {
    method: c.req.method,
    route: routePath(c),
    status: c.res.status,
    durationMs: Date.now() - started,
    orgId: c.get("session")?.orgId,
  });
});
