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
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : null) as T,
    setCookie: response.headers.get("set-cookie"),
  };
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
  /** Calls the API as this tenant's owner. */
  call<T = Record<string, unknown>>(path: string, call?: Call): Promise<ApiResponse<T>>;
};

let counter = 0;

/** Registers a fresh organisation with its owner, so tests share no state. */
export async function newTenant(name = "Org"): Promise<Tenant> {
  counter++;
  const email = `owner-${crypto.randomUUID()}@example.com`;
  const password = `senha-forte-${counter}-${crypto.randomUUID()}`;
  const res = await api<{ organisation: { id: string }; user: { id: string } }>(
    "/api/v1/auth/register",
    { method: "POST", body: { organisationName: `${name} ${counter}`, email, password } },
  );
  if (res.status !== 201) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
  const cookie = cookieFrom(res.setCookie);
  return {
    orgId: res.body.organisation.id,
    userId: res.body.user.id,
    email,
    password,
    cookie,
    call: (path, call = {}) => api(path, { ...call, cookie }),
  };
}
