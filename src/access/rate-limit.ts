/**
 * Rate limits per client IP and per account for the flows anyone can call without a session
 * (login, registration, password reset, 2FA, invitations). Counts live in the `RateLimiter`
 * Durable Object, one object per key, so every isolate and colo sees the same numbers. Refusals
 * are 429 RATE_LIMITED with `Retry-After`.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { AppError } from "../lib/errors.ts";
import { effectiveRule, type Limit, type RateLimitRule } from "./rate-limit.rules.ts";
import type { Decision } from "./rate-limiter.ts";

/**
 * The one bucket shared by every request without a usable `CF-Connecting-IP`. Cloudflare sets
 * that header on every request from the internet, so only internal callers (service bindings,
 * tests, local dev) land here; sharing one bucket means a missing or garbled header can never
 * buy a fresh one.
 */
export const UNKNOWN_CLIENT = "unknown";

/** Limits one flow per client IP, then per account; throws RATE_LIMITED when either is spent. */
export function rateLimit(rule: RateLimitRule) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { ip, account } = effectiveRule(rule, optionalVars(c).RATE_LIMITS, c.get("logger"));

    const ipKey = limiterKey(rule.flow, "ip", clientIp(c.req.header("cf-connecting-ip")));
    await enforce(c, ipKey, ip);

    const who = (await accountEmail(c)) ?? sessionUser(c);
    if (who === undefined) return next();
    const accountKey = limiterKey(rule.flow, "account", who);
    const { hitId } = await enforce(c, accountKey, account);

    await next();

    // A failure-only limit counted this attempt up front; it stays counted only if it failed.
    if (account.count === "failures" && c.res.status !== 401 && hitId !== undefined) {
      await limiter(c, accountKey).release(hitId);
    }
  });
}

/**
 * Counts one attempt of `rule`'s flow against an account the route only knows after reading a
 * credential (the user of a verified 2FA challenge): the middleware cannot see it in the body.
 * Throws RATE_LIMITED when the account's budget is spent.
 */
export async function limitAccount(
  c: Context<AppEnv>,
  rule: RateLimitRule,
  account: string,
): Promise<void> {
  const { account: limit } = effectiveRule(rule, optionalVars(c).RATE_LIMITS, c.get("logger"));
  await enforce(c, limiterKey(rule.flow, "account", account), limit);
}

/**
 * The rate-limit identity of a client, from `CF-Connecting-IP` only: headers such as
 * `X-Forwarded-For` are set by the client and never read. IPv4 (and IPv4-mapped IPv6) counts
 * per address; IPv6 per /64, the smallest block a subscriber is usually given, so rotating
 * through one's own addresses buys nothing. Anything else is UNKNOWN_CLIENT.
 */
export function clientIp(header: string | null | undefined): string {
  const value = header?.trim().toLowerCase() ?? "";
  const v4 = parseIPv4(value);
  if (v4) return v4.join(".");
  const v6 = parseIPv6(value);
  if (!v6) return UNKNOWN_CLIENT;
  const [a, b, c, d, e, f, g = 0, h = 0] = v6;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff) {
    return [g >> 8, g & 0xff, h >> 8, h & 0xff].join(".");
  }
  return `${[a, b, c, d].map((group) => (group ?? 0).toString(16)).join(":")}::/64`;
}

/** The name of the Durable Object that counts one flow for one IP or account. */
export function limiterKey(flow: string, scope: "ip" | "account", value: string): string {
  return `${flow}:${scope}:${value}`;
}

type OptionalVars = { RATE_LIMITS?: string };

// RATE_LIMITS is optional and usually set as a secret, so `wrangler types` does not declare it.
function optionalVars(c: Context<AppEnv>): OptionalVars {
  return c.env as AppEnv["Bindings"] & OptionalVars;
}

function limiter(c: Context<AppEnv>, key: string) {
  return c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key));
}

async function enforce(c: Context<AppEnv>, key: string, limit: Limit): Promise<Decision> {
  const decision = await limiter(c, key).hit(limit.limit, limit.windowSeconds);
  if (!decision.allowed) {
    throw new AppError("RATE_LIMITED", { retryAfterSeconds: decision.retryAfterSeconds });
  }
  return decision;
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * The body's `email`, trimmed and lower-cased as the schemas store it. Hono caches the body, so
 * the route's validator reads it again; an unreadable body has no account and validation answers.
 */
async function accountEmail(c: Context<AppEnv>): Promise<string | undefined> {
  const mediaType = c.req.header("content-type")?.split(";")[0]?.trim() ?? "";
  if (!JSON_MEDIA_TYPE.test(mediaType)) return undefined;
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null || !("email" in body)) return undefined;
  if (typeof body.email !== "string") return undefined;
  const email = body.email.trim().toLowerCase();
  // Validation refuses longer addresses; they should not name a limiter either.
  return email && email.length <= 254 ? email : undefined;
}

/** For flows run with a session (changing the password): the signed-in user is the account. */
function sessionUser(c: Context<AppEnv>): string | undefined {
  const userId = c.get("session")?.userId;
  return userId && `user:${userId}`;
}

function parseIPv4(value: string): number[] | undefined {
  const parts = value.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return undefined;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/** Eight 16-bit groups, or undefined. Accepts `::` compression and a dotted IPv4 tail. */
function parseIPv6(value: string): number[] | undefined {
  let text = value;
  const lastColon = text.lastIndexOf(":");
  const v4 = parseIPv4(text.slice(lastColon + 1));
  if (lastColon >= 0 && v4) {
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }

  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const [head = "", tail] = halves;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = [...front, ...back];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;

  const missing = 8 - all.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const zeros: string[] = Array.from({ length: missing }, () => "0");
  return [...front, ...zeros, ...back].map((group) => Number.parseInt(group, 16));
}
