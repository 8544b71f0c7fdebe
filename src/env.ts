/**
 * What the Worker is given. `worker-configuration.d.ts` (from `wrangler types`) declares the
 * bindings and [vars] of wrangler.toml; secrets and dev-only variables are declared here because
 * `wrangler types` cannot see them.
 */
import type { Locale } from "./lib/errors.ts";
import type { Logger } from "./lib/logger.ts";

export type Secrets = {
  /** Postgres URL of the runtime role (gallo_app), never the owner's. */
  DATABASE_URL: string;
  /** HMAC key for session JWTs and CSRF tokens (at least 32 random bytes). */
  JWT_SECRET: string;
  /** The key before the last rotation, still accepted until its tokens expire. Optional. */
  JWT_PREVIOUS_SECRET?: string;
  /** The public origin (https://app.example.com) when it differs from the request URL's. */
  APP_ORIGIN?: string;
  /** Server-side key of the password pre-hash (HMAC-SHA-256 before bcrypt). */
  PASSWORD_PEPPER: string;
  /**
   * AES-256-GCM key of the two-factor secrets at rest: 32 random bytes, base64. Kept apart from the
   * database so a leaked dump or backup reveals no authenticator secret.
   */
  TOTP_ENCRYPTION_KEY: string;
  /** HTTP email API key (production). Without it email goes to the dev outbox or nowhere. */
  EMAIL_API_KEY?: string;
  EMAIL_API_URL?: string;
  /**
   * Files: the Cloudflare account of the FILES bucket and an R2 API token (Object Read & Write,
   * that bucket only). With all three, uploads go straight to R2 by presigned URL on the EU
   * endpoint; without them they stream through the Worker. R2_ACCOUNT_ID is a [vars] entry.
   */
  R2_ACCOUNT_ID?: string;
  R2_ACCESS_KEY_ID?: string;
  R2_SECRET_ACCESS_KEY?: string;
  /**
   * Sentry DSN of an EU-hosted project (`https://<key>@<org>.ingest.de.sentry.io/<id>`). Unset:
   * no error monitoring (src/monitoring/sentry.ts).
   */
  SENTRY_DSN?: string;
  /** Dev and tests only: "on" keeps email in the DevOutbox Durable Object (GET /dev/outbox). */
  DEV_OUTBOX?: string;
  /** Dev and tests only: `host:port` of scripts/lib/neon-endpoint.ts. Unset in production. */
  NEON_LOCAL_ENDPOINT?: string;
};

export type Bindings = Env & Secrets;

/** The caller, once the session cookie has been verified. */
export type SessionClaims = { userId: string; orgId: string; sessionId: string };

export type Variables = {
  requestId: string;
  logger: Logger;
  locale: Locale;
  session?: SessionClaims;
  /** Set when the database refused the session named by the cookie (see readSession). */
  sessionRejected?: boolean;
};

export type AppEnv = { Bindings: Bindings; Variables: Variables };
