import { describe, expect, it } from "vitest";
import { api, cookieFrom, newTenant, signUp } from "../support/api.ts";
import {
  expectRouteRefusesCrossSite,
  expectRouteRefusesWithoutValidSession,
} from "../support/security.ts";

type Me = {
  user: { id: string; email: string; twoFactorEnabled: boolean };
  organisation: { id: string; name: string; require2fa: boolean };
  role: string;
  organisations: { id: string; name: string; role: string }[];
  csrfToken: string;
};
type ApiError = { error: { code: string; message: string; requestId: string } };

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

  it.each([
    { registered: "NFC", typed: "NFD" },
    { registered: "NFD", typed: "NFC" },
  ] as const)(
    "accepts a password registered in $registered and typed in $typed",
    async ({ registered, typed }) => {
      const password = "Ação-segura-1";
      expect(password.normalize(registered)).not.toBe(password.normalize(typed));
      const email = newEmail();
      await signUp({ organisationName: "Org", email, password: password.normalize(registered) });

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
    // Replayed with its CSRF token too, so that what refuses it is the revoked session.
    const again = await tenant.call("/api/v1/auth/logout", { method: "POST" });
    expect(again.status).toBe(401);
    // Only the session logged out of ends; the user's other login lives on.
    expect((await api("/api/v1/auth/me", { cookie: second })).status).toBe(200);
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({ method: "POST", path: "/api/v1/auth/logout" });
  });

  it("refuses cross-site requests and requests without the session's CSRF token", async () => {
    await expectRouteRefusesCrossSite({ method: "POST", path: "/api/v1/auth/logout" });
  });
});

describe("GET /api/v1/auth/me", () => {
  it("answers the user, the organisation, the role, every organisation and the CSRF token", async () => {
    const tenant = await newTenant("Padaria");

    const me = await tenant.call<Me>("/api/v1/auth/me");

    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: { id: tenant.userId, email: tenant.email, twoFactorEnabled: false },
      organisation: {
        id: tenant.orgId,
        name: expect.stringMatching(/^Padaria /),
        require2fa: false,
      },
      role: "owner",
      organisations: [
        { id: tenant.orgId, name: expect.stringMatching(/^Padaria /), role: "owner" },
      ],
      csrfToken: tenant.csrfToken,
    });
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({ method: "GET", path: "/api/v1/auth/me" });
  });
});

function newEmail(): string {
  return `user-${crypto.randomUUID()}@example.com`;
}

async function login(email: string, password: string) {
  return api("/api/v1/auth/login", { method: "POST", body: { email, password } });
}
