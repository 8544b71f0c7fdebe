/**
 * Rate limits of the flows anyone can call without a session, one entry per flow: a limit per
 * client IP (IPv6 per /64) and one per account (the body's `email`). The defaults are the floor
 * set by the security issue (sign-in 5 per minute per IP and 10 failures per 15 minutes per
 * account, reset 3 per 5 minutes, 2FA 10 per 15 minutes); operators may change any limit or
 * window through the optional `RATE_LIMITS` variable (see wrangler.toml) without a code deploy.
 */
import { z } from "zod";
import type { Logger } from "../lib/logger.ts";

export type Limit = { limit: number; windowSeconds: number };

export type RateLimitRule = {
  /** Names the flow in limiter keys and in `RATE_LIMITS`. */
  flow: Flow;
  ip: Limit;
  /** `failures` counts only attempts answered 401 (a wrong password); `attempts` counts all. */
  account: Limit & { count: "attempts" | "failures" };
};

const FLOWS = [
  "login",
  "register",
  "passwordReset",
  "passwordResetConfirm",
  "twoFactorVerify",
  "invitationAccept",
  "passwordChange",
] as const;
type Flow = (typeof FLOWS)[number];

const minute = 60;

// The 2FA body carries no email: its per-account limit is applied by the route once the challenge
// cookie is verified (limitAccount, keyed by the user). Reset-confirm and invitation acceptance
// are keyed per IP only: their secret is a 256-bit token, which no number of guesses finds.
export const rules = {
  login: {
    flow: "login",
    ip: { limit: 5, windowSeconds: minute },
    account: { limit: 10, windowSeconds: 15 * minute, count: "failures" },
  },
  register: {
    flow: "register",
    ip: { limit: 10, windowSeconds: 60 * minute },
    account: { limit: 5, windowSeconds: 60 * minute, count: "attempts" },
  },
  passwordReset: {
    flow: "passwordReset",
    ip: { limit: 3, windowSeconds: 5 * minute },
    account: { limit: 3, windowSeconds: 5 * minute, count: "attempts" },
  },
  passwordResetConfirm: {
    flow: "passwordResetConfirm",
    ip: { limit: 3, windowSeconds: 5 * minute },
    account: { limit: 3, windowSeconds: 5 * minute, count: "attempts" },
  },
  twoFactorVerify: {
    flow: "twoFactorVerify",
    ip: { limit: 10, windowSeconds: 15 * minute },
    account: { limit: 10, windowSeconds: 15 * minute, count: "attempts" },
  },
  invitationAccept: {
    flow: "invitationAccept",
    ip: { limit: 10, windowSeconds: 15 * minute },
    account: { limit: 10, windowSeconds: 15 * minute, count: "attempts" },
  },
  // Signed in, but a stolen session must not be able to guess the current password at leisure:
  // the account is the session's user, and only wrong passwords (401) count.
  passwordChange: {
    flow: "passwordChange",
    ip: { limit: 10, windowSeconds: 15 * minute },
    account: { limit: 5, windowSeconds: 15 * minute, count: "failures" },
  },
} as const satisfies Record<Flow, RateLimitRule>;

const limitOverride = z.strictObject({
  limit: z.int().positive().optional(),
  windowSeconds: z
    .int()
    .positive()
    .max(24 * 60 * minute)
    .optional(),
});
const overridesSchema = z.partialRecord(
  z.enum(FLOWS),
  z.strictObject({ ip: limitOverride.optional(), account: limitOverride.optional() }),
);
type Overrides = z.infer<typeof overridesSchema>;

const parsed = new Map<string, Overrides>();

/**
 * `rule` with the operator's overrides from `RATE_LIMITS` applied, e.g.
 * `{"login":{"ip":{"limit":3},"account":{"windowSeconds":1800}}}`. An unreadable value is
 * logged once per isolate and ignored: the defaults are safe, refusing every sign-in is not.
 */
export function effectiveRule(
  rule: RateLimitRule,
  raw: string | undefined,
  logger: Logger,
): RateLimitRule {
  if (!raw?.trim()) return rule;
  let overrides = parsed.get(raw);
  if (!overrides) {
    overrides = parseOverrides(raw, logger);
    parsed.set(raw, overrides);
  }
  const own = overrides[rule.flow];
  if (!own) return rule;
  return {
    ...rule,
    ip: { ...rule.ip, ...own.ip },
    account: { ...rule.account, ...own.account },
  };
}

function parseOverrides(raw: string, logger: Logger): Overrides {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    logger.error("RATE_LIMITS is not JSON; using the default rate limits");
    return {};
  }
  const result = overridesSchema.safeParse(json);
  if (result.success) return result.data;
  logger.error("RATE_LIMITS is invalid; using the default rate limits", {
    issues: result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
  });
  return {};
}
