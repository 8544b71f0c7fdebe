/**
 * A user who belongs to several organisations: /me lists them, and POST /switch-organisation
 * moves the user into another one with a new session, ending the old one.
 *
 * The second membership is made directly as the owner role until invitations land.
 */
import { describe, expect, it } from "vitest";
import { type ApiResponse, api, newTenant, type Tenant, tenantFrom } from "../support/api.ts";
import { asOwner } from "../support/db.ts";
import {
  anotherSessionOf,
  expectRouteRefusesCrossSite,
  expectRouteRefusesWithoutValidSession,
} from "../support/security.ts";

type Me = {
  organisation: { id: string };
  role: string;
  organisations: { id: string; name: string; role: string }[];
};
type Switched = { organisation: { id: string; name: string }; csrfToken: string };
type ApiError = { error: { code: string } };

describe("GET /api/v1/auth/me of a user in two organisations", () => {
  it("lists both organisations with the role in each, in the order joined", async () => {
    const { user, home, other } = await userInTwoOrganisations();

    const me = await user.call<Me>("/api/v1/auth/me");

    expect(me.status).toBe(200);
    expect(me.body.organisation.id).toBe(home.orgId);
    expect(me.body.organisations).toEqual([
      { id: home.orgId, name: expect.stringMatching(/^Home /), role: "owner" },
      { id: other.orgId, name: expect.stringMatching(/^Other /), role: "member" },
    ]);
  });
});

describe("POST /api/v1/auth/switch-organisation", () => {
  it("opens a session in the other organisation and ends the old one", async () => {
    const { user, other } = await userInTwoOrganisations();

    const res = await user.call<Switched>("/api/v1/auth/switch-organisation", {
      method: "POST",
      body: { organisationId: other.orgId },
    });

    expect(res.status).toBe(200);
    expect(res.body.organisation).toEqual({
      id: other.orgId,
      name: expect.stringMatching(/^Other /),
    });
    const switched = switchedSession(user, res);
    expect(switched.cookie).not.toBe(user.cookie);
    expect(switched.csrfToken).not.toBe(user.csrfToken);
    const me = await switched.call<Me>("/api/v1/auth/me");
    expect(me.body.organisation.id).toBe(other.orgId);
    expect(me.body.role).toBe("member");
    const replay = await api<ApiError>("/api/v1/auth/me", { cookie: user.cookie });
    expect(replay.status).toBe(401);
    // The old CSRF token does not work with the new session either.
    const withOldToken = await api<ApiError>("/api/v1/people", {
      method: "POST",
      cookie: switched.cookie,
      headers: { "x-csrf-token": user.csrfToken },
      body: { firstName: "Ana" },
    });
    expect(withOldToken.status).toBe(403);
  });

  it("shows only the other organisation's contacts after the switch", async () => {
    const { user, home, other } = await userInTwoOrganisations();
    await createContact(home, "Only-Home");
    await createContact(other, "Only-Other");

    const res = await user.call<Switched>("/api/v1/auth/switch-organisation", {
      method: "POST",
      body: { organisationId: other.orgId },
    });
    const switched = switchedSession(user, res);
    const contacts = await switched.call<{ data: { firstName: string }[] }>("/api/v1/people");

    expect(contacts.status).toBe(200);
    expect(contacts.body.data.map((c) => c.firstName)).toEqual(["Only-Other"]);
  });

  it.each([
    { what: "an organisation the user does not belong to", target: (s: Tenant) => s.orgId },
    { what: "an organisation that does not exist", target: () => crypto.randomUUID() },
  ])("answers 404 for $what, and the current session lives on", async ({ target }) => {
    const { user } = await userInTwoOrganisations();
    const stranger = await newTenant("Stranger");

    const res = await user.call<ApiError>("/api/v1/auth/switch-organisation", {
      method: "POST",
      body: { organisationId: target(stranger) },
    });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect(res.setCookie).toBeNull();
    expect((await user.call("/api/v1/auth/me")).status).toBe(200);
  });

  it("answers 400 to an organisation id that is not a uuid, or to extra fields", async () => {
    const { user, other } = await userInTwoOrganisations();

    const results = await Promise.all([
      user.call<ApiError>("/api/v1/auth/switch-organisation", {
        method: "POST",
        body: { organisationId: "not-a-uuid" },
      }),
      user.call<ApiError>("/api/v1/auth/switch-organisation", {
        method: "POST",
        body: { organisationId: other.orgId, role: "owner" },
      }),
    ]);

    expect(results.map((r) => [r.status, r.body.error.code])).toEqual([
      [400, "VALIDATION_FAILED"],
      [400, "VALIDATION_FAILED"],
    ]);
  });

  it("refuses every request without a valid session", async () => {
    const { user, other } = await userInTwoOrganisations();

    await expectRouteRefusesWithoutValidSession(
      {
        method: "POST",
        path: "/api/v1/auth/switch-organisation",
        body: { organisationId: other.orgId },
      },
      user,
    );
  });

  it("refuses cross-site requests and requests without the session's CSRF token", async () => {
    const { user, other } = await userInTwoOrganisations();

    await expectRouteRefusesCrossSite(
      {
        method: "POST",
        path: "/api/v1/auth/switch-organisation",
        body: { organisationId: other.orgId },
      },
      user,
    );
  });
});

describe("POST /api/v1/auth/sessions/revoke-all of a user in two organisations", () => {
  it("ends the user's sessions in both organisations", async () => {
    const { user, other } = await userInTwoOrganisations();
    const elsewhere = await anotherSessionOf(user);
    const switched = await elsewhere.call<Switched>("/api/v1/auth/switch-organisation", {
      method: "POST",
      body: { organisationId: other.orgId },
    });
    const inOther = switchedSession(user, switched);
    expect((await inOther.call("/api/v1/auth/me")).status).toBe(200);

    const res = await user.call<{ revoked: number }>("/api/v1/auth/sessions/revoke-all", {
      method: "POST",
      body: {},
    });

    expect(res.status).toBe(200);
    expect((await inOther.call("/api/v1/auth/me")).status).toBe(401);
    expect((await user.call("/api/v1/auth/me")).status).toBe(200);
    // The other organisation's owner is someone else, and keeps their session.
    expect((await other.call("/api/v1/auth/me")).status).toBe(200);
  });
});

/**
 * A user who owns "Home" (signed up there) and was made a member of "Other" afterwards, with the
 * owner of each organisation.
 */
async function userInTwoOrganisations(): Promise<{ user: Tenant; home: Tenant; other: Tenant }> {
  const [home, other] = await Promise.all([newTenant("Home"), newTenant("Other")]);
  await asOwner().query(
    `insert into memberships (org_id, user_id, role, created_at)
     values ($1, $2, 'member', now() + interval '1 second')`,
    [other.orgId, home.userId],
  );
  return { user: home, home, other };
}

/** The session a switch opened: the same user, with the new cookie and CSRF token. */
function switchedSession(user: Tenant, res: ApiResponse<Switched>): Tenant {
  if (res.status !== 200) throw new Error(`switch failed: ${JSON.stringify(res.body)}`);
  const body = { ...res.body, user: { id: user.userId } };
  return tenantFrom({ ...res, body }, { email: user.email, password: user.password });
}

async function createContact(tenant: Tenant, firstName: string): Promise<void> {
  const res = await tenant.call("/api/v1/people", { method: "POST", body: { firstName } });
  expect(res.status).toBe(201);
}
