/**
 * The signed-in user's sessions: list, revoke one, revoke all, change the password (which ends the
 * other sessions), and the idle and absolute limits that end a session on their own.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, newTenant, type Tenant } from "../support/api.ts";
import { asOwner } from "../support/db.ts";
import {
  anotherSessionOf,
  expectRouteRefusesCrossSite,
  expectRouteRefusesWithoutValidSession,
} from "../support/security.ts";

type Session = { id: string; organisationId: string; current: boolean };
type ApiError = { error: { code: string } };

describe("GET /api/v1/auth/sessions", () => {
  it("lists the user's live sessions, with the current one flagged, and no one else's", async () => {
    const tenant = await newTenant();
    const second = await anotherSessionOf(tenant);
    const ended = await anotherSessionOf(tenant);
    await ended.call("/api/v1/auth/logout", { method: "POST" });
    const stranger = await newTenant();

    const res = await tenant.call<{ data: Session[] }>("/api/v1/auth/sessions");

    expect(res.status).toBe(200);
    const [own, other] = await Promise.all([sessionIdOf(tenant), sessionIdOf(second)]);
    const listed = res.body.data.map((s) => ({ id: s.id, current: s.current }));
    expect(listed).toHaveLength(2);
    expect(listed).toEqual(
      expect.arrayContaining([
        { id: own, current: true },
        { id: other, current: false },
      ]),
    );
    expect(res.body.data.map((s) => s.id)).not.toContain(await sessionIdOf(stranger));
    expect(res.body.data.every((s) => s.organisationId === tenant.orgId)).toBe(true);
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({ method: "GET", path: "/api/v1/auth/sessions" });
  });
});

describe("DELETE /api/v1/auth/sessions/:id", () => {
  it("ends another session of the user: its cookie answers 401, the current one lives on", async () => {
    const tenant = await newTenant();
    const second = await anotherSessionOf(tenant);

    const res = await tenant.call(`/api/v1/auth/sessions/${await sessionIdOf(second)}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(204);
    expect(res.setCookie).toBeNull();
    expect(await statusOf(second)).toBe(401);
    expect(await statusOf(tenant)).toBe(200);
  });

  it("ends the current session and clears its cookie when it names itself", async () => {
    const tenant = await newTenant();

    const res = await tenant.call(`/api/v1/auth/sessions/${await sessionIdOf(tenant)}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(204);
    expect(res.setCookie).toMatch(/^__Host-gallo_session=;.*Max-Age=0/i);
    expect(await statusOf(tenant)).toBe(401);
  });

  it("answers 404 for a session of another user, which lives on", async () => {
    const [tenant, stranger] = await Promise.all([newTenant(), newTenant()]);

    const res = await tenant.call<ApiError>(
      `/api/v1/auth/sessions/${await sessionIdOf(stranger)}`,
      { method: "DELETE" },
    );

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect(await statusOf(stranger)).toBe(200);
  });

  it.each([
    { what: "an id that exists nowhere", id: async () => crypto.randomUUID() },
    {
      what: "a session already ended",
      id: async (tenant: Tenant) => {
        const ended = await anotherSessionOf(tenant);
        const id = await sessionIdOf(ended);
        await ended.call("/api/v1/auth/logout", { method: "POST" });
        return id;
      },
    },
  ])("answers 404 for $what", async ({ id }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(`/api/v1/auth/sessions/${await id(tenant)}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
  });

  it("refuses every request without a valid session", async () => {
    const tenant = await newTenant();
    const target = await sessionIdOf(await anotherSessionOf(tenant));

    await expectRouteRefusesWithoutValidSession(
      { method: "DELETE", path: `/api/v1/auth/sessions/${target}` },
      tenant,
    );
  });

  it("refuses cross-site requests and requests without the session's CSRF token", async () => {
    const tenant = await newTenant();
    const target = await sessionIdOf(await anotherSessionOf(tenant));

    await expectRouteRefusesCrossSite(
      { method: "DELETE", path: `/api/v1/auth/sessions/${target}` },
      tenant,
    );
  });
});

describe("POST /api/v1/auth/sessions/revoke-all", () => {
  it("ends every other session and keeps the current one by default", async () => {
    const tenant = await newTenant();
    const others = [await anotherSessionOf(tenant), await anotherSessionOf(tenant)];
    const stranger = await newTenant();

    const res = await tenant.call<{ revoked: number }>("/api/v1/auth/sessions/revoke-all", {
      method: "POST",
      body: {},
    });

    expect(res.status).toBe(200);
    expect(res.body.revoked).toBe(2);
    expect(res.setCookie).toBeNull();
    for (const other of others) expect(await statusOf(other)).toBe(401);
    expect(await statusOf(tenant)).toBe(200);
    expect(await statusOf(stranger)).toBe(200);
  });

  it("ends every session, the current one too, with includeCurrent", async () => {
    const tenant = await newTenant();
    const other = await anotherSessionOf(tenant);

    const res = await tenant.call<{ revoked: number }>("/api/v1/auth/sessions/revoke-all", {
      method: "POST",
      body: { includeCurrent: true },
    });

    expect(res.status).toBe(200);
    expect(res.body.revoked).toBe(2);
    expect(res.setCookie).toMatch(/^__Host-gallo_session=;.*Max-Age=0/i);
    expect(await statusOf(other)).toBe(401);
    expect(await statusOf(tenant)).toBe(401);
  });

  it.each([
    { field: "includeCurrent as a string", body: { includeCurrent: "true" } },
    { field: "an unknown field", body: { userId: crypto.randomUUID() } },
  ])("answers 400 to $field and ends nothing", async ({ body }) => {
    const tenant = await newTenant();
    const other = await anotherSessionOf(tenant);

    const res = await tenant.call<ApiError>("/api/v1/auth/sessions/revoke-all", {
      method: "POST",
      body,
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(await statusOf(other)).toBe(200);
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({
      method: "POST",
      path: "/api/v1/auth/sessions/revoke-all",
      body: {},
    });
  });

  it("refuses cross-site requests and requests without the session's CSRF token", async () => {
    await expectRouteRefusesCrossSite({
      method: "POST",
      path: "/api/v1/auth/sessions/revoke-all",
      body: {},
    });
  });
});

describe("POST /api/v1/auth/password", () => {
  it("answers 401 to a wrong current password and changes nothing", async () => {
    const tenant = await newTenant();
    const other = await anotherSessionOf(tenant);

    const res = await tenant.call<ApiError>("/api/v1/auth/password", {
      method: "POST",
      body: { currentPassword: `${tenant.password}x`, newPassword: "uma-senha-nova-789" },
    });

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("INVALID_CREDENTIALS");
    expect(await statusOf(tenant)).toBe(200);
    expect(await statusOf(other)).toBe(200);
    expect((await login(tenant.email, "uma-senha-nova-789")).status).toBe(401);
    expect((await login(tenant.email, tenant.password)).status).toBe(200);
  });

  it("changes the password and ends every other session, keeping the current one", async () => {
    const tenant = await newTenant();
    const other = await anotherSessionOf(tenant);

    const res = await tenant.call("/api/v1/auth/password", {
      method: "POST",
      body: { currentPassword: tenant.password, newPassword: "uma-senha-nova-789" },
    });

    expect(res.status).toBe(204);
    expect(await statusOf(other)).toBe(401);
    expect(await statusOf(tenant)).toBe(200);
    expect((await login(tenant.email, "uma-senha-nova-789")).status).toBe(200);
    expect((await login(tenant.email, tenant.password)).status).toBe(401);
  });

  it.each([
    { problem: "a common password", newPassword: "password123" },
    { problem: "fewer than 8 characters", newPassword: "curta" },
  ])("answers 400 to $problem as the new password and changes nothing", async ({ newPassword }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/auth/password", {
      method: "POST",
      body: { currentPassword: tenant.password, newPassword },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect((await login(tenant.email, tenant.password)).status).toBe(200);
  });

  it("refuses every request without a valid session", async () => {
    const tenant = await newTenant();

    await expectRouteRefusesWithoutValidSession(
      {
        method: "POST",
        path: "/api/v1/auth/password",
        body: { currentPassword: tenant.password, newPassword: "uma-senha-nova-789" },
      },
      tenant,
    );
  });

  it("refuses cross-site requests and requests without the session's CSRF token", async () => {
    const tenant = await newTenant();

    await expectRouteRefusesCrossSite(
      {
        method: "POST",
        path: "/api/v1/auth/password",
        body: { currentPassword: tenant.password, newPassword: "uma-senha-nova-789" },
      },
      tenant,
    );
  });
});

describe("session lifetime", () => {
  const idleSeconds = Number(env.SESSION_IDLE_SECONDS);

  it.each([
    {
      limit: "idle for longer than SESSION_IDLE_SECONDS",
      set: "last_seen_at = now() - make_interval(secs => $2::int)",
      seconds: () => idleSeconds + 60,
    },
    {
      limit: "past its absolute expiry",
      set: "expires_at = now() - make_interval(secs => $2::int)",
      seconds: () => 1,
    },
  ])("ends a session $limit: 401 on reads and writes", async ({ set, seconds }) => {
    const tenant = await newTenant();
    const other = await anotherSessionOf(tenant);
    await asOwner().query(`update sessions set ${set} where id = $1`, [
      await sessionIdOf(tenant),
      seconds(),
    ]);

    const read = await tenant.call<ApiError>("/api/v1/auth/me");
    const write = await tenant.call<ApiError>("/api/v1/people", {
      method: "POST",
      body: { firstName: "Ana" },
    });

    expect(read.status).toBe(401);
    expect(read.body.error.code).toBe("UNAUTHENTICATED");
    expect(write.status).toBe(401);
    // Only the session that passed its limit ended.
    expect(await statusOf(other)).toBe(200);
  });
});

/** The id of the tenant's current session, as the session list flags it. */
async function sessionIdOf(tenant: Tenant): Promise<string> {
  const res = await tenant.call<{ data: Session[] }>("/api/v1/auth/sessions");
  const current = res.body.data.find((s) => s.current);
  if (!current) throw new Error(`no current session: ${JSON.stringify(res.body)}`);
  return current.id;
}

/** The status a read with the tenant's cookie gets: 200 while the session lives, else 401. */
async function statusOf(tenant: Tenant): Promise<number> {
  return (await api("/api/v1/auth/me", { cookie: tenant.cookie })).status;
}

async function login(email: string, password: string) {
  return api("/api/v1/auth/login", { method: "POST", body: { email, password } });
}
