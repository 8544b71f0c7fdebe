/**
 * Rate limits (src/access/rate-limit.ts) through the front door: per client IP from
 * CF-Connecting-IP only (IPv6 per /64), per account for failed logins, limits from configuration,
 * windows kept in durable storage. Every test uses addresses and emails of its own.
 */
import {
  createExecutionContext,
  evictDurableObject,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clientIp, limiterKey, UNKNOWN_CLIENT } from "../../src/access/rate-limit.ts";
import app from "../../src/index.ts";
import { type ApiResponse, api, newTenant, ORIGIN } from "../support/api.ts";

type ApiError = { error: { code: string; message: string } };

describe("POST /api/v1/auth/login, per client IP", () => {
  it("answers the 6th attempt in a minute from one IP with 429 RATE_LIMITED and Retry-After", async () => {
    const ip = randomIPv4();
    const email = newEmail();

    for (let i = 0; i < 5; i++) expect((await login(ip, email)).status).toBe(401);
    const res = await login(ip, email);

    expectRateLimited(res, 60);
    expect(res.body.error.message).toBe("Too many attempts. Please wait and try again.");
    // Another client is not affected.
    expect((await login(randomIPv4(), email)).status).toBe(401);
  });

  it("ignores X-Forwarded-For, X-Real-IP and True-Client-IP, which the client controls", async () => {
    const ip = randomIPv4();
    const spoofed = (n: number) => ({
      "x-forwarded-for": `198.51.100.${n}, ${randomIPv4()}`,
      "x-real-ip": `198.51.100.${n}`,
      "true-client-ip": `198.51.100.${n}`,
    });

    for (let i = 0; i < 5; i++)
      expect((await login(ip, newEmail(), "senha-errada", spoofed(i))).status).toBe(401);

    expectRateLimited(await login(ip, newEmail(), "senha-errada", spoofed(99)));
    // The spent client's address in those headers does not spend anyone else's bucket.
    const other = await login(randomIPv4(), newEmail(), "senha-errada", {
      "x-forwarded-for": ip,
      "x-real-ip": ip,
    });
    expect(other.status).toBe(401);
  });

  it("counts the addresses of one IPv6 /64 as one client, and the next /64 apart", async () => {
    const [a = 0, b = 0] = crypto.getRandomValues(new Uint16Array(2));
    const prefix = `2001:db8:${a.toString(16)}:${b.toString(16)}`;
    const padded = `2001:0db8:${hex4(a)}:${hex4(b)}`;
    const sameSubnet = [
      `${prefix}::1`,
      `${prefix}:0:0:0:2`,
      `${prefix}:ffff:ffff:ffff:ffff`,
      `${padded}:0000:0000:0000:0003`.toUpperCase(),
      `${prefix}:1234::5678`,
    ];

    for (const ip of sameSubnet) expect((await login(ip, newEmail())).status).toBe(401);

    expectRateLimited(await login(`${prefix}::abcd`, newEmail()));
    const nextSubnet = `2001:db8:${a.toString(16)}:${(b ^ 1).toString(16)}::1`;
    expect((await login(nextSubnet, newEmail())).status).toBe(401);
  });

  it("keeps the window when its Durable Object is evicted", async () => {
    const ip = randomIPv4();
    for (let i = 0; i < 5; i++) expect((await login(ip, newEmail())).status).toBe(401);
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(limiterKey("login", "ip", ip)));
    await runInDurableObject(stub, (instance) => Reflect.set(instance, "marker", true));

    await evictDurableObject(stub);

    // A new instance (the marker is gone) that still refuses: the count came from storage.
    expect(await runInDurableObject(stub, (instance) => Reflect.get(instance, "marker"))).toBe(
      undefined,
    );
    expect(await stub.peek(5)).toMatchObject({ allowed: false });
    expectRateLimited(await login(ip, newEmail()));
  });
});

describe("POST /api/v1/auth/login, per account", () => {
  it("refuses the account after 10 failures from many IPs, even with the right password", async () => {
    const tenant = await newTenant();

    for (let i = 0; i < 10; i++) {
      expect((await login(randomIPv4(), tenant.email, "senha-errada")).status).toBe(401);
    }
    const right = await login(randomIPv4(), tenant.email, tenant.password);
    const variant = await login(randomIPv4(), ` ${tenant.email.toUpperCase()} `, tenant.password);

    expectRateLimited(right, 15 * 60);
    expectRateLimited(variant, 15 * 60);
  });

  it("counts failures for an email without an account the same way, revealing nothing", async () => {
    const email = newEmail();

    for (let i = 0; i < 10; i++) expect((await login(randomIPv4(), email)).status).toBe(401);

    expectRateLimited(await login(randomIPv4(), email), 15 * 60);
  });

  it("does not count logins that succeed", async () => {
    const tenant = await newTenant();

    for (let i = 0; i < 12; i++) {
      expect((await login(randomIPv4(), tenant.email, tenant.password)).status).toBe(200);
    }
    expect((await login(randomIPv4(), tenant.email, "senha-errada")).status).toBe(401);
  });
});

describe("rate limits as configuration (RATE_LIMITS)", () => {
  it("applies the limit and window of the RATE_LIMITS variable", async () => {
    const vars = { RATE_LIMITS: JSON.stringify({ login: { ip: { limit: 2, windowSeconds: 7 } } }) };
    const ip = randomIPv4();

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await fetchWith(vars, "/api/v1/auth/login", ip));

    expect(answers.map((res) => res.status)).toEqual([401, 401, 429]);
    const retryAfter = Number(answers[2]?.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(7);
  });

  it.each([
    { problem: "not JSON", value: "{login:" },
    { problem: "a limit of 0", value: JSON.stringify({ login: { ip: { limit: 0 } } }) },
    { problem: "an unknown flow", value: JSON.stringify({ logon: { ip: { limit: 1 } } }) },
  ])("keeps the default limits when RATE_LIMITS is $problem", async ({ value }) => {
    const ip = randomIPv4();

    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await fetchWith({ RATE_LIMITS: value }, "/api/v1/auth/login", ip)).status);
    }

    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it.each([
    { flow: "login", path: "/api/v1/auth/login" },
    { flow: "register", path: "/api/v1/auth/register" },
    { flow: "passwordReset", path: "/api/v1/auth/password-reset" },
    { flow: "passwordResetConfirm", path: "/api/v1/auth/password-reset/confirm" },
    { flow: "twoFactorVerify", path: "/api/v1/auth/2fa/verify" },
    { flow: "invitationAccept", path: "/api/v1/invitations/accept" },
  ])("limits POST $path as the $flow flow", async ({ flow, path }) => {
    const vars = { RATE_LIMITS: JSON.stringify({ [flow]: { ip: { limit: 1 } } }) };
    const ip = randomIPv4();

    // An empty body, so that nothing is created; the route (if any) answers the first call.
    const first = await fetchWith(vars, path, ip, {});
    const second = await fetchWith(vars, path, ip, {});

    expect(first.status).not.toBe(429);
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("clientIp", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    [" 203.0.113.7 ", "203.0.113.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:DB8:1:2::", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:0000:0000:0000:0001", "2001:db8:1:2::/64"],
    ["2001:db8:1:2:3:4:5::", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::2001:db8:1:2:3:4:5", "0:2001:db8:1::/64"],
    ["::1", "0:0:0:0::/64"],
    ["::", "0:0:0:0::/64"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::FFFF:cb00:7107", "203.0.113.7"],
    ["0:0:0:0:0:ffff:203.0.113.7", "203.0.113.7"],
    ["64:ff9b::203.0.113.7", "64:ff9b:0:0::/64"],
  ])("keys %j as %j", (header, expected) => {
    expect(clientIp(header)).toBe(expected);
  });

  it.each([
    undefined,
    null,
    "",
    "unknown",
    "203.0.113",
    "203.0.113.256",
    "203.0.113.7, 198.51.100.1",
    "2001:db8::1::2",
    "2001:db8:1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7::8",
    "2001:db8:1:2:3:4:5",
    "fe80::1%eth0",
    "12345::",
    ":1::",
    "gggg::",
  ])("puts %j in the shared unknown bucket", (header) => {
    expect(clientIp(header)).toBe(UNKNOWN_CLIENT);
  });
});

function login(ip: string, email: string, password = "senha-errada", headers = {}) {
  return api<ApiError>("/api/v1/auth/login", {
    method: "POST",
    body: { email, password },
    headers: { "cf-connecting-ip": ip, ...headers },
  });
}

/** Calls the app with extra Worker variables, as a deployment with them set would. */
async function fetchWith(
  vars: Record<string, string>,
  path: string,
  ip: string,
  body: unknown = { email: newEmail(), password: "senha-errada" },
): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": ip },
    body: JSON.stringify(body),
  });
  const response = await app.fetch(request, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  await response.text();
  return response;
}

function expectRateLimited(res: ApiResponse<ApiError>, windowSeconds = 60): void {
  expect(res.status).toBe(429);
  expect(res.body.error.code).toBe("RATE_LIMITED");
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

function randomIPv4(): string {
  const [a = 0, b = 0, c = 0] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}

function newEmail(): string {
  return `rate-${crypto.randomUUID()}@example.com`;
}
