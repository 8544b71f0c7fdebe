import { describe, expect, it } from "vitest";
import { api, cookieFrom, newTenant } from "../support/api.ts";
import { expectRouteRefusesWithoutValidSession } from "../support/security.ts";

type Me = {
  user: { id: string; email: string };
  organisation: { id: string; name: string };
  role: string;
};
type ApiError = { error: { code: string; message: string; requestId: string } };

describe("POST /api/v1/auth/register", () => {
  it("sets a __Host- session cookie: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain", async () => {
    const res = await register(newEmail(), "senha-forte-123");

    expect(res.status).toBe(201);
    const [pair = "", ...attributes] = (res.setCookie ?? "").split(";").map((p) => p.trim());
    expect(pair).toMatch(/^__Host-gallo_session=[\w-]+\.[\w-]+\.[\w-]+$/);
    const names = attributes.map((a) => (a.split("=")[0] ?? "").toLowerCase());
    expect(names).toEqual(expect.arrayContaining(["secure", "httponly", "samesite", "path"]));
    expect(names).not.toContain("domain");
    expect(attributes).toContain("SameSite=Lax");
    expect(attributes).toContain("Path=/");
  });

  it("makes the new user the owner of a new organisation", async () => {
    const email = newEmail();
    const res = await register(email, "senha-forte-123", "Padaria Central");

    const me = await api<Me>("/api/v1/auth/me", { cookie: cookieFrom(res.setCookie) });

    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: { id: expect.any(String), email },
      organisation: { id: expect.any(String), name: "Padaria Central" },
      role: "owner",
    });
  });

  it.each([
    { variant: "the same email", change: (email: string) => email },
    { variant: "the email in another case", change: (email: string) => email.toUpperCase() },
    { variant: "the email with spaces around it", change: (email: string) => `  ${email} ` },
  ])("answers 409 EMAIL_TAKEN for $variant", async ({ change }) => {
    const email = newEmail();
    await register(email, "senha-forte-123");

    const res = await register(change(email), "outra-senha-456");

    expect(res.status).toBe(409);
    expect((res.body as ApiError).error.code).toBe("EMAIL_TAKEN");
    expect(res.setCookie).toBeNull();
    expect((await login(email, "outra-senha-456")).status).toBe(401);
  });

  it.each([
    { problem: "the password is shorter than 8 characters", body: { password: "curta" } },
    { problem: "the email is invalid", body: { email: "nobody" } },
    { problem: "an unknown field is sent", body: { role: "admin" } },
  ])("answers 400 VALIDATION_FAILED when $problem", async ({ body }) => {
    const res = await api<ApiError>("/api/v1/auth/register", {
      method: "POST",
      body: { organisationName: "Org", email: newEmail(), password: "senha-forte-123", ...body },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.setCookie).toBeNull();
  });
});

describe("POST /api/v1/auth/login", () => {
  it("logs in with the right password and sets a new session cookie", async () => {
    const tenant = await newTenant();

    const res = await login(` ${tenant.email.toUpperCase()} `, tenant.password);

    expect(res.status).toBe(200);
    const cookie = cookieFrom(res.setCookie);
    expect(cookie).toMatch(/^__Host-gallo_session=/);
    expect(cookie).not.toBe(tenant.cookie);
    const me = await api<Me>("/api/v1/auth/me", { cookie });
    expect(me.body.user.id).toBe(tenant.userId);
    expect(me.body.organisation.id).toBe(tenant.orgId);
  });

  it("answers a wrong password and an unknown email identically, apart from the request id", async () => {
    const tenant = await newTenant();

    const wrongPassword = await login(tenant.email, `${tenant.password}x`);
    const unknownEmail = await login(newEmail(), tenant.password);

    for (const res of [wrongPassword, unknownEmail]) {
      expect(res.status).toBe(401);
      expect(res.setCookie).toBeNull();
    }
    const withoutRequestId = (body: unknown) => {
      const { requestId: _, ...rest } = (body as ApiError).error;
      return rest;
    };
    expect((wrongPassword.body as ApiError).error.code).toBe("INVALID_CREDENTIALS");
    expect(withoutRequestId(wrongPassword.body)).toEqual(withoutRequestId(unknownEmail.body));
  });

  it("does not accept a second password that shares the first 72 bytes", async () => {
    // bcrypt alone reads only 72 bytes; "ã" and "ç" take two each in UTF-8.
    const prefix = "uma-frase-secreta-bem-comprida-de-ação-e-coração-para-a-conta-da-padaria";
    expect(new TextEncoder().encode(prefix).length).toBeGreaterThanOrEqual(72);
    const email = newEmail();
    await register(email, `${prefix}-primeira`);

    const other = await login(email, `${prefix}-segunda`);
    const own = await login(email, `${prefix}-primeira`);

    expect(other.status).toBe(401);
    expect(own.status).toBe(200);
  });

  it.each([
    { registered: "NFC", typed: "NFD" },
    { registered: "NFD", typed: "NFC" },
  ] as const)(
    "accepts a password registered in $registered and typed in $typed",
    async ({ registered, typed }) => {
      const password = "Ação-segura-1";
      expect(password.normalize(registered)).not.toBe(password.normalize(typed));
      const email = newEmail();
      await register(email, password.normalize(registered));

      const res = await login(email, password.normalize(typed));

      expect(res.status).toBe(200);
    },
  );
});

describe("POST /api/v1/auth/logout", () => {
  it("answers 204, clears the cookie and revokes the session on the server", async () => {
    const tenant = await newTenant();
    const second = cookieFrom((await login(tenant.email, tenant.password)).setCookie);

    const res = await tenant.call("/api/v1/auth/logout", { method: "POST" });

    expect(res.status).toBe(204);
    expect(res.setCookie).toMatch(/^__Host-gallo_session=;/);
    expect(res.setCookie).toMatch(/Max-Age=0/i);
    // The browser would drop the cookie; a copy kept by an attacker must be dead too.
    for (const path of ["/api/v1/auth/me", "/api/v1/people"]) {
      const replay = await api<ApiError>(path, { cookie: tenant.cookie });
      expect(replay.status).toBe(401);
      expect(replay.body.error.code).toBe("UNAUTHENTICATED");
    }
    const again = await api("/api/v1/auth/logout", { method: "POST", cookie: tenant.cookie });
    expect(again.status).toBe(401);
    // Only the session logged out of ends; the user's other login lives on.
    expect((await api("/api/v1/auth/me", { cookie: second })).status).toBe(200);
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({ method: "POST", path: "/api/v1/auth/logout" });
  });
});

describe("GET /api/v1/auth/me", () => {
  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({ method: "GET", path: "/api/v1/auth/me" });
  });
});

function newEmail(): string {
  return `user-${crypto.randomUUID()}@example.com`;
}

async function register(email: string, password: string, organisationName = "Org") {
  return api("/api/v1/auth/register", {
    method: "POST",
    body: { organisationName, email, password },
  });
}

async function login(email: string, password: string) {
  return api("/api/v1/auth/login", { method: "POST", body: { email, password } });
}
