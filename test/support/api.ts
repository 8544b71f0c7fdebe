/**
 * Drives the real Worker (its default export, inside workerd) with real requests, keeping the
 * session cookie like a browser would.
 */
import { exports } from "cloudflare:workers";

export const ORIGIN = "https://gallo.test";

export type Call = {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  cookie?: string;
};

export type ApiResponse<T = unknown> = {
  status: number;
  headers: Headers;
  body: T;
  setCookie: string | null;
};

export async function api<T = Record<string, unknown>>(
  path: string,
  call: Call = {},
): Promise<ApiResponse<T>> {
  const headers = new Headers(call.headers);
  if (call.body !== undefined && !headers.has("content-type")) {
    headers.set("content-type", "application/json");
  }
  if (call.cookie) headers.set("cookie", call.cookie);
  // A client address of its own per call, so rate limits (per IP) never tie one test to another.
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", randomClientIp());
  const response = await exports.default.fetch(
    new Request(`${ORIGIN}${path}`, {
      method: call.method ?? "GET",
      headers,
      body:
        call.body === undefined
          ? undefined
          : typeof call.body === "string"
            ? call.body
            : JSON.stringify(call.body),
    }),
  );
  const text = await response.text();
  // JSON is parsed; any other body (a CSV download) is handed back as its text.
  const json = response.headers.get("content-type")?.includes("json") ?? false;
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? (json ? JSON.parse(text) : text) : null) as T,
    setCookie: response.headers.get("set-cookie"),
  };
}

/** An IPv6 address in its own /64 of the documentation range 2001:db8::/32. */
export function randomClientIp(): string {
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint16Array(2));
  return `2001:db8:${a.toString(16)}:${b.toString(16)}::1`;
}

/** `name=value` of a Set-Cookie header, as a browser would send it back. */
export function cookieFrom(setCookie: string | null): string {
  if (!setCookie) throw new Error("response set no cookie");
  return setCookie.split(";")[0] ?? "";
}

export type Tenant = {
  orgId: string;
  userId: string;
  email: string;
  password: string;
  cookie: string;
  csrfToken: string;
  /** Calls the API as this tenant's owner, with the session's CSRF token, like the web app. */
  call<T = Record<string, unknown>>(path: string, call?: Call): Promise<ApiResponse<T>>;
};

export type SessionBody = { organisation: { id: string }; user: { id: string }; csrfToken: string };

let counter = 0;

/** Registers a fresh organisation with its owner (email link included), so tests share no state. */
export async function newTenant(name = "Org"): Promise<Tenant> {
  counter++;
  const email = `owner-${crypto.randomUUID()}@example.com`;
  const password = `senha-forte-${counter}-${crypto.randomUUID()}`;
  const res = await signUp({ organisationName: `${name} ${counter}`, email, password });
  return tenantFrom(res, { email, password });
}

/** The whole sign-up: register, then confirm the emailed link. Throws unless both succeed. */
export async function signUp(account: {
  organisationName: string;
  email: string;
  password: string;
}): Promise<ApiResponse<SessionBody>> {
  const started = await api("/api/v1/auth/register", { method: "POST", body: account });
  if (started.status !== 202) throw new Error(`register failed: ${JSON.stringify(started.body)}`);
  const token = await linkToken(account.email, "/verify-email");
  const res = await api<SessionBody>("/api/v1/auth/register/confirm", {
    method: "POST",
    body: { token },
  });
  if (res.status !== 201) throw new Error(`confirm failed: ${JSON.stringify(res.body)}`);
  return res;
}

/** A Tenant for the session a login, confirm or switch response just opened. */
export function tenantFrom(
  res: ApiResponse<SessionBody>,
  account: { email: string; password: string },
): Tenant {
  const cookie = cookieFrom(res.setCookie);
  const csrfToken = res.body.csrfToken;
  return {
    orgId: res.body.organisation.id,
    userId: res.body.user.id,
    ...account,
    cookie,
    csrfToken,
    call: (path, call = {}) =>
      api(path, { ...call, cookie, headers: { "x-csrf-token": csrfToken, ...call.headers } }),
  };
}

type OutboxEmail = { to: string; subject: string; text: string; sentAt: string };

/** The dev outbox's messages to `to`, newest first. */
export async function emailsTo(to: string): Promise<OutboxEmail[]> {
  const res = await api<{ data: OutboxEmail[] }>(`/dev/outbox?to=${encodeURIComponent(to)}`);
  return res.body.data;
}

/** The `token` of the newest emailed link to `path` (e.g. "/verify-email") sent to `to`. */
export async function linkToken(to: string, path: string): Promise<string> {
  for (const email of await emailsTo(to)) {
    const match = new RegExp(`https?://[^\\s]+${path}\\?token=([A-Za-z0-9_-]+)`).exec(email.text);
    if (match?.[1]) return match[1];
  }
  throw new Error(`no email with a ${path} link was sent to ${to}`);
}
