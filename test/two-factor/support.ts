/**
 * Helpers of the two-factor tests: codes made with the same library an authenticator app's
 * algorithm is specified by (otplib, RFC 6238), enrolment and the two-step login through the API,
 * and a look at what the database holds.
 */
import { ScureBase32Plugin } from "@otplib/plugin-base32-scure";
import { NobleCryptoPlugin } from "@otplib/plugin-crypto-noble";
import { generate } from "@otplib/totp";
import { inject } from "vitest";
import { type ApiResponse, api, type Tenant } from "../support/api.ts";
import { connect } from "../support/db.ts";

export const STEP = 30;
const plugins = { crypto: new NobleCryptoPlugin(), base32: new ScureBase32Plugin() };

/** The code for `secret` at `epochSeconds`. */
export function codeAt(secret: string, epochSeconds: number): Promise<string> {
  return generate({ secret, epoch: epochSeconds, ...plugins });
}

/**
 * The code `steps` time steps from now (0: current, 1: next, -1: previous). Codes of the current
 * and next step stay acceptable even if a step boundary passes before the server checks them;
 * call `awayFromStepEdge` first when using the previous step.
 */
export function codeIn(secret: string, steps: number): Promise<string> {
  return codeAt(secret, Math.floor(Date.now() / 1000) + steps * STEP);
}

/** Waits, if needed, until at least 5 s of the current step remain, so "now" is unambiguous. */
export async function awayFromStepEdge(): Promise<void> {
  const left = STEP - ((Date.now() / 1000) % STEP);
  if (left < 5) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 100));
}

/** A six-digit string that is not the given code. */
export function otherThan(code: string): string {
  return code === "000000" ? "111111" : "000000";
}

export type Offer = { otpauthUri: string; secret: string; qrSvg: string };

export async function startEnrolment(tenant: Tenant): Promise<Offer> {
  const res = await tenant.call<Offer>("/api/v1/auth/2fa/enrol", { method: "POST" });
  if (res.status !== 200) throw new Error(`enrol failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

export type Enrolled = { secret: string; recoveryCodes: string[] };

/** Turns 2FA on for `tenant` with the code of the current step (which is then used up). */
export async function enrol(tenant: Tenant): Promise<Enrolled> {
  const { secret } = await startEnrolment(tenant);
  const res = await tenant.call<{ recoveryCodes: string[] }>("/api/v1/auth/2fa/enrol/confirm", {
    method: "POST",
    body: { code: await codeIn(secret, 0) },
  });
  if (res.status !== 200) throw new Error(`confirm failed: ${JSON.stringify(res.body)}`);
  return { secret, recoveryCodes: res.body.recoveryCodes };
}

/** The password step of a login; answers the response and the challenge cookie it set, if any. */
export async function passwordStep(tenant: Pick<Tenant, "email" | "password">) {
  const res = await api<{ twoFactorRequired?: boolean }>("/api/v1/auth/login", {
    method: "POST",
    body: { email: tenant.email, password: tenant.password },
  });
  return { res, challenge: cookieNamed(res.setCookie, "__Host-gallo_2fa") };
}

export type SessionBody = {
  user: { id: string; email: string };
  organisation: { id: string };
  csrfToken: string;
};

/** The second step: the challenge cookie and a code or recovery code. */
export function verify(
  challenge: string | undefined,
  body: { code?: string; recoveryCode?: string },
): Promise<ApiResponse<SessionBody & { error?: { code: string } }>> {
  return api("/api/v1/auth/2fa/verify", { method: "POST", body, cookie: challenge });
}

/** `name=value` of the cookie `name` among a response's Set-Cookie headers, if set. */
export function cookieNamed(setCookie: string | null, name: string): string | undefined {
  const match = new RegExp(`(?:^|, )(${name}=[^;]*)`).exec(setCookie ?? "");
  return match?.[1];
}

/** Queries as the table owner: for reading what requests stored, never to check isolation. */
export function asOwner() {
  return connect(inject("ownerUrl"));
}

export type AuditRow = { action: string; actor_user_id: string | null; summary: unknown };

/** The organisation's audit entries, oldest first. */
export async function auditOf(orgId: string): Promise<AuditRow[]> {
  const sql = asOwner();
  const results = await sql.transaction([
    // FORCE ROW LEVEL SECURITY holds the owner too unless it bypasses RLS: claim the org either way.
    sql`select set_config('app.org_id', ${orgId}, true)`,
    sql`select action, actor_user_id, summary from audit_log
         where org_id = ${orgId}::uuid order by created_at, id`,
  ]);
  return (results[1]?.rows ?? []) as AuditRow[];
}
