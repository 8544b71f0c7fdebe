/**
 * A size limit on request bodies, checked while reading, before anything parses them (the rate
 * limiter and the validators included). File contents have their own, larger limit in their route.
 */

import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { AppError } from "../lib/errors.ts";

/** JSON bodies of this API are small; 1 MiB leaves room for long notes. */
export const MAX_JSON_BODY = 1024 * 1024;

const limit = bodyLimit({
  maxSize: MAX_JSON_BODY,
  onError: () => {
    throw new AppError("PAYLOAD_TOO_LARGE");
  },
});

export const limitBody = createMiddleware(async (c, next) => {
  if (/^\/api\/v1\/files\/[^/]+\/content$/.test(c.req.path)) return next();
  return limit(c, next);
});
