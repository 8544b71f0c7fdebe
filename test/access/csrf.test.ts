/**
 * Cross-site request forgery (src/access/csrf.ts). With a session cookie, every state-changing
 * request must come from our own origin and carry the session's CSRF token, whatever its method
 * and body encoding; the sign-in flows must come from our own origin; GET changes nothing; and
 * no response lets another origin read it (no CORS).
 */
import { describe, expect, it } from "vitest";
import { api, linkToken, newTenant, type Tenant } from "../support/api.ts";
import {
  anotherSessionOf,
  type BodyEncoding,
  CONTENT_TYPES,
  CROSS_SITE,
  type Route,
  SAME_ORIGIN,
  sendEncoded,
} from "../support/security.ts";

type Contact = { id: string; firstName: string };
type Setup = { tenant: Tenant; contact: Contact };

/** One state-changing route of each method, on a contact of the tenant. */
const METHODS = [
  {
    method: "POST",
    route: (_: Contact): Route => ({
      method: "POST",
      path: "/api/v1/people",
      body: { firstName: "Planted" },
    }),
    succeeds: 201,
  },
  {
    method: "PATCH",
    route: (c: Contact): Route => ({
      method: "PATCH",
      path: `/api/v1/people/${c.id}`,
      // A fresh person is at version 1.
      body: { firstName: "Changed", version: 1 },
    }),
    succeeds: 200,
  },
  {
    method: "DELETE",
    route: (c: Contact): Route => ({ method: "DELETE", path: `/api/v1/people/${c.id}` }),
    succeeds: 204,
  },
];

type Refusal = {
  refusal: string;
  code: "CROSS_SITE_REQUEST" | "CSRF_TOKEN_INVALID";
  headers: (setup: Setup) => Promise<Record<string, string>>;
};

const REFUSALS: Refusal[] = [
  // Cross-site requests carry the genuine token here, so the origin check is shown to hold alone.
  {
    refusal: "from Origin https://evil.example",
    code: "CROSS_SITE_REQUEST",
    headers: async ({ tenant }) => ({
      origin: "https://evil.example",
      "x-csrf-token": tenant.csrfToken,
    }),
  },
  {
    refusal: 'from Origin "null"',
    code: "CROSS_SITE_REQUEST",
    headers: async ({ tenant }) => ({ origin: "null", "x-csrf-token": tenant.csrfToken }),
  },
  {
    refusal: "without Origin but with Sec-Fetch-Site: cross-site",
    code: "CROSS_SITE_REQUEST",
    headers: async ({ tenant }) => ({
      "sec-fetch-site": "cross-site",
      "x-csrf-token": tenant.csrfToken,
    }),
  },
  {
    refusal: "from our own origin without a token",
    code: "CSRF_TOKEN_INVALID",
    headers: async () => SAME_ORIGIN,
  },
  {
    refusal: "from our own origin with the token of another session of the same user",
    code: "CSRF_TOKEN_INVALID",
    headers: async ({ tenant }) => ({
      ...SAME_ORIGIN,
      "x-csrf-token": (await anotherSessionOf(tenant)).csrfToken,
    }),
  },
];

const combinations = METHODS.flatMap((m) =>
  CONTENT_TYPES.map((encoding) => ({ ...m, encoding, type: encoding.name })),
);

describe.concurrent("a state-changing request with a session cookie", () => {
  it.each(combinations.flatMap((c) => REFUSALS.map((r) => ({ ...c, ...r }))))(
    "$method as $type $refusal answers 403 $code and changes nothing",
    async ({ route, encoding, headers, code }) => {
      const setup = await withAContact();

      const res = await sendEncoded(route(setup.contact), encoding, {
        cookie: setup.tenant.cookie,
        headers: await headers(setup),
      });

      expect(res.status).toBe(403);
      expect(res.body?.error?.code).toBe(code);
      await expectUnchanged(setup);
    },
  );

  it.each(combinations)(
    "$method as $type from our own origin with the session's token in X-CSRF-Token passes",
    async ({ route, encoding, succeeds }) => {
      const setup = await withAContact();

      const res = await sendEncoded(route(setup.contact), encoding, {
        cookie: setup.tenant.cookie,
        headers: { ...SAME_ORIGIN, "x-csrf-token": setup.tenant.csrfToken },
      });

      expect(res.status).not.toBe(403);
      // JSON bodies reach the route intact; other encodings may be refused by its validator.
      if (isJson(encoding) || route(setup.contact).body === undefined) {
        expect(res.status).toBe(succeeds);
      }
    },
  );

  it.each(combinations.filter((c) => isForm(c.encoding)))(
    "$method as $type with the session's token in a _csrf field passes the CSRF check",
    async ({ route, encoding }) => {
      const setup = await withAContact();

      const res = await sendEncoded(route(setup.contact), encoding, {
        cookie: setup.tenant.cookie,
        headers: SAME_ORIGIN,
        extraFields: { _csrf: setup.tenant.csrfToken },
      });

      // The route may then refuse a form body (it reads JSON), but not as a forgery.
      expect(res.status).not.toBe(403);
    },
  );

  it.each(combinations.filter((c) => !isForm(c.encoding)))(
    "$method as $type with the token in a _csrf body field answers 403: only forms carry it there",
    async ({ route, encoding }) => {
      const setup = await withAContact();

      const res = await sendEncoded(route(setup.contact), encoding, {
        cookie: setup.tenant.cookie,
        headers: SAME_ORIGIN,
        extraFields: { _csrf: setup.tenant.csrfToken },
      });

      expect(res.status).toBe(403);
      expect(res.body?.error?.code).toBe("CSRF_TOKEN_INVALID");
      await expectUnchanged(setup);
    },
  );
});

describe("GET and HEAD", () => {
  it.each([
    { what: "GET /api/v1/auth/logout", method: "GET", path: () => "/api/v1/auth/logout" },
    { what: "HEAD /api/v1/auth/logout", method: "HEAD", path: () => "/api/v1/auth/logout" },
    {
      what: "GET /api/v1/auth/sessions/revoke-all",
      method: "GET",
      path: () => "/api/v1/auth/sessions/revoke-all",
    },
    {
      what: "GET /api/v1/people/:id?_method=DELETE",
      method: "GET",
      path: (c: Contact) => `/api/v1/people/${c.id}?_method=DELETE`,
    },
    {
      what: "GET /api/v1/people/:id with X-HTTP-Method-Override: DELETE",
      method: "GET",
      path: (c: Contact) => `/api/v1/people/${c.id}`,
      headers: { "x-http-method-override": "DELETE" },
    },
  ])(
    "$what, sent from another site with the cookie, changes nothing",
    async ({ method, path, headers }) => {
      const setup = await withAContact();

      // SameSite=Lax still sends the cookie on a top-level GET navigation from another site.
      await api(path(setup.contact), {
        method,
        cookie: setup.tenant.cookie,
        headers: { "sec-fetch-site": "cross-site", ...headers },
      });

      await expectUnchanged(setup);
      const sessions = await setup.tenant.call<{ data: unknown[] }>("/api/v1/auth/sessions");
      expect(sessions.status).toBe(200);
      expect(sessions.body.data).toHaveLength(1);
    },
  );
});

describe("signing in from another site (login CSRF)", () => {
  it.each(CROSS_SITE)(
    "POST /api/v1/auth/login from $name answers 403 and sets no cookie",
    async ({ headers }) => {
      const tenant = await newTenant();

      const res = await api<Refused>("/api/v1/auth/login", {
        method: "POST",
        headers,
        body: { email: tenant.email, password: tenant.password },
      });

      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("CROSS_SITE_REQUEST");
      expect(res.setCookie).toBeNull();
    },
  );

  it.each(CROSS_SITE)(
    "POST /api/v1/auth/register from $name answers 403 and sends nothing",
    async ({ headers }) => {
      const email = `csrf-${crypto.randomUUID()}@example.com`;

      const res = await api<Refused>("/api/v1/auth/register", {
        method: "POST",
        headers,
        body: { organisationName: "Org", email, password: "senha-forte-123" },
      });

      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("CROSS_SITE_REQUEST");
      expect((await api<{ data: unknown[] }>(`/dev/outbox?to=${email}`)).body.data).toEqual([]);
    },
  );

  it.each(CROSS_SITE)(
    "POST /api/v1/auth/register/confirm from $name answers 403 and leaves the link usable",
    async ({ headers }) => {
      const email = `csrf-${crypto.randomUUID()}@example.com`;
      await api("/api/v1/auth/register", {
        method: "POST",
        body: { organisationName: "Org", email, password: "senha-forte-123" },
      });
      const token = await linkToken(email, "/verify-email");

      const res = await api<Refused>("/api/v1/auth/register/confirm", {
        method: "POST",
        headers,
        body: { token },
      });

      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("CROSS_SITE_REQUEST");
      expect(res.setCookie).toBeNull();
      const own = await api("/api/v1/auth/register/confirm", {
        method: "POST",
        headers: SAME_ORIGIN,
        body: { token },
      });
      expect(own.status).toBe(201);
    },
  );
});

describe("cross-origin reads (CORS)", () => {
  it.each([
    { path: "/api/v1/people", requestMethod: "POST" },
    { path: "/api/v1/auth/login", requestMethod: "POST" },
    { path: "/api/v1/auth/me", requestMethod: "GET" },
  ])(
    "a preflight for $requestMethod $path from another origin is granted nothing",
    async ({ path, requestMethod }) => {
      const tenant = await newTenant();

      const res = await api(path, {
        method: "OPTIONS",
        cookie: tenant.cookie,
        headers: {
          origin: "https://evil.example",
          "access-control-request-method": requestMethod,
          "access-control-request-headers": "content-type, x-csrf-token",
        },
      });

      expect(accessControlHeaders(res.headers)).toEqual([]);
    },
  );

  it("a GET of /me from another origin, cookie included, is not readable there", async () => {
    const tenant = await newTenant();

    // /me holds the CSRF token: a readable answer would hand it to the other site.
    const res = await api("/api/v1/auth/me", {
      cookie: tenant.cookie,
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });

    expect(res.status).toBe(200);
    expect(accessControlHeaders(res.headers)).toEqual([]);
  });

  it("a state-changing answer carries no Access-Control-Allow-* header either", async () => {
    const tenant = await newTenant();

    const res = await tenant.call("/api/v1/people", {
      method: "POST",
      headers: SAME_ORIGIN,
      body: { firstName: "Ana" },
    });

    expect(res.status).toBe(201);
    expect(accessControlHeaders(res.headers)).toEqual([]);
  });
});

type Refused = { error: { code: string } };

async function withAContact(): Promise<Setup> {
  const tenant = await newTenant("Csrf");
  const res = await tenant.call<{ data: Contact }>("/api/v1/people", {
    method: "POST",
    body: { firstName: "Original" },
  });
  if (res.status !== 201) throw new Error(`contact not created: ${JSON.stringify(res.body)}`);
  return { tenant, contact: res.body.data };
}

/** The tenant still has exactly its one contact, as it was created. */
async function expectUnchanged({ tenant, contact }: Setup): Promise<void> {
  const list = await tenant.call<{ data: Contact[] }>("/api/v1/people");
  expect(list.status).toBe(200);
  expect(list.body.data.map((c) => ({ id: c.id, firstName: c.firstName }))).toEqual([
    { id: contact.id, firstName: "Original" },
  ]);
}

function isJson(encoding: BodyEncoding): boolean {
  return encoding.contentType?.toLowerCase().startsWith("application/json") ?? false;
}

function isForm(encoding: BodyEncoding): boolean {
  const type = encoding.contentType?.toLowerCase() ?? "";
  return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/");
}

function accessControlHeaders(headers: Headers): string[] {
  return [...headers.keys()].filter((name) => name.toLowerCase().startsWith("access-control-"));
}
