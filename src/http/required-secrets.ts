/**
 * Refuses to serve in production while a required secret is missing: every request answers 503
 * SERVICE_MISCONFIGURED and the log names the missing secrets (never a value). Without this a
 * missing JWT_SECRET or PASSWORD_PEPPER would surface later as odd 500s, or worse, as keys
 * derived from an empty string.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv, Bindings } from "../env.ts";
import { AppError } from "../lib/errors.ts";

/** The secrets the Worker cannot work without (see wrangler.toml). */
export const REQUIRED_SECRETS = [
  "DATABASE_URL",
  "JWT_SECRET",
  "PASSWORD_PEPPER",
  "TOTP_ENCRYPTION_KEY",
] as const;

/** Production is where neither local-only switch is set: no local Neon endpoint, no dev outbox. */
export function isProduction(env: Bindings): boolean {
  return !env.NEON_LOCAL_ENDPOINT && env.DEV_OUTBOX !== "on";
}

/** The required secrets that are unset or blank in production; none elsewhere. */
export function missingSecrets(env: Bindings): string[] {
  if (!isProduction(env)) return [];
  return REQUIRED_SECRETS.filter((name) => {
    const value: unknown = env[name];
    return typeof value !== "string" || value.trim() === "";
  });
}

export const requireSecrets = createMiddleware<AppEnv>(async (c, next) => {
  const missing = missingSecrets(c.env);
  if (missing.length > 0) {
    c.get("logger").error("refusing to serve: required secrets are missing", { missing });
    throw new AppError("SERVICE_MISCONFIGURED");
  }
  await next();
});
