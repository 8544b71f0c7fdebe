import { describe, expect, it } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { api, newTenant, type Tenant } from "../support/api.ts";
import {
  expectRouteRefusesWithoutValidSession,
  expectRouteRequiresRole,
} from "../support/security.ts";
import { joinWithPassword, newMember, newTeam, type Team } from "../support/team.ts";
import { type ApiError, auditOf, type Member, ownerCount, rolesIn } from "./support.ts";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("GET /api/v1/members", () => {
  it("lists every member with id, email, role and join date, and nobody from elsewhere", async () => {
    const team = await newTeam();
    const stranger = await newTenant("Elsewhere");

    const res = await team.viewer.call<{ data: Member[] }>("/api/v1/members");

    expect(res.status).toBe(200);
    const expected = (["owner", "admin", "member", "viewer"] as const).map((role) => ({
      id: team[role].userId,
      email: team[role].email,
      role,
      joinedAt: expect.stringMatching(ISO),
    }));
    expect(res.body.data).toHaveLength(4);
    expect(res.body.data).toEqual(expect.arrayContaining(expected));
    expect(res.body.data.map((m) => m.email)).not.toContain(stranger.email);
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({ method: "GET", path: "/api/v1/members" });
  });

  it("lets every role through, viewer and up", async () => {
    await expectRouteRequiresRole({ method: "GET", path: "/api/v1/members" }, "viewer");
  });
});

describe("PATCH /api/v1/members/:userId", () => {
  it("changes a member's role, answers the member, and audits the old and new role", async () => {
    const team = await newTeam();

    const res = await team.admin.call<{ data: Member }>(`/api/v1/members/${team.member.userId}`, {
      method: "PATCH",
      body: { role: "viewer" },
    });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      id: team.member.userId,
      email: team.member.email,
      role: "viewer",
      joinedAt: expect.stringMatching(ISO),
    });
    expect((await rolesIn(team.owner))[team.member.userId]).toBe("viewer");
    expect(await auditOf(team.owner.orgId, "member.role_changed")).toEqual([
      {
        actor_user_id: team.admin.userId,
        target_type: "user",
        target_id: team.member.userId,
        summary: { email: team.member.email, from: "member", to: "viewer" },
      },
    ]);
  });

  it("takes effect on the member's very next request, with the same session", async () => {
    const team = await newTeam();
    const member = team.member;
    expect((await member.call("/api/v1/invitations")).status).toBe(403);

    await changeRole(team.owner, member, "admin");
    expect((await member.call("/api/v1/invitations")).status).toBe(200);

    await changeRole(team.owner, member, "viewer");
    expect((await member.call("/api/v1/invitations")).status).toBe(403);
    const write = await member.call("/api/v1/people", {
      method: "POST",
      body: { firstName: "Ana" },
    });
    expect(write.status).toBe(403);
    expect((await member.call("/api/v1/people")).status).toBe(200);
  });

  it.each([
    { attempt: "make a member an owner", target: "member", role: "owner" },
    { attempt: "make themselves an owner", target: "admin", role: "owner" },
    { attempt: "demote an owner", target: "owner", role: "admin" },
    { attempt: "change an owner to viewer", target: "owner", role: "viewer" },
  ] as const)("answers 403 FORBIDDEN when an admin tries to $attempt", async ({ target, role }) => {
    const team = await newTeam();

    const res = await team.admin.call<ApiError>(`/api/v1/members/${team[target].userId}`, {
      method: "PATCH",
      body: { role },
    });

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect((await rolesIn(team.owner))[team[target].userId]).toBe(target);
  });

  it("lets an owner make another member an owner", async () => {
    const team = await newTeam();

    await changeRole(team.owner, team.admin, "owner");

    expect(await ownerCount(team.owner.orgId)).toBe(2);
  });

  it("refuses to demote the last owner with 409 LAST_OWNER", async () => {
    const team = await newTeam();

    const res = await team.owner.call<ApiError>(`/api/v1/members/${team.owner.userId}`, {
      method: "PATCH",
      body: { role: "admin" },
    });

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("LAST_OWNER");
    expect(await ownerCount(team.owner.orgId)).toBe(1);
  });

  it("lets an owner step down while another owner remains", async () => {
    const team = await newTeam();
    await changeRole(team.owner, team.admin, "owner");

    await changeRole(team.owner, team.owner, "admin");

    expect(await rolesIn(team.admin)).toMatchObject({
      [team.owner.userId]: "admin",
      [team.admin.userId]: "owner",
    });
  });

  it("never leaves the organisation without an owner when two owners step down at once", async () => {
    // Several organisations at once, so that the two requests of each overlap in the database.
    const orgs = await Promise.all([1, 2, 3].map(() => twoOwners()));

    const outcomes = await Promise.all(
      orgs.map(([a, b]) =>
        Promise.all([stepDown(a), stepDown(b)]).then((res) => res.map((r) => r.status).sort()),
      ),
    );

    for (const [index, [a]] of orgs.entries()) {
      expect(outcomes[index]).toEqual([200, 409]);
      expect(await ownerCount(a.orgId)).toBe(1);
    }
  });

  it("never leaves the organisation without an owner when two owners demote each other at once", async () => {
    const orgs = await Promise.all([1, 2, 3].map(() => twoOwners()));

    const outcomes = await Promise.all(
      orgs.map(([a, b]) =>
        Promise.all([demote(a, b), demote(b, a)]).then((res) => res.map((r) => r.status).sort()),
      ),
    );

    for (const [index, [a]] of orgs.entries()) {
      expect(outcomes[index]).toEqual([200, 403]);
      expect(await ownerCount(a.orgId)).toBe(1);
    }
  });

  it.each([
    { whose: "a member of another organisation", target: async () => (await newTenant()).userId },
    { whose: "nobody", target: async () => crypto.randomUUID() },
  ])("answers 404 NOT_FOUND for the id of $whose", async ({ target }) => {
    const team = await newTeam();

    const res = await team.owner.call<ApiError>(`/api/v1/members/${await target()}`, {
      method: "PATCH",
      body: { role: "viewer" },
    });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
  });

  it.each([
    { problem: "orgId rides along", body: { role: "admin", orgId: crypto.randomUUID() } },
    { problem: "org_id rides along", body: { role: "admin", org_id: crypto.randomUUID() } },
    { problem: "userId rides along", body: { role: "admin", userId: crypto.randomUUID() } },
    { problem: "the role is unknown", body: { role: "superadmin" } },
    { problem: "the role is missing", body: {} },
  ])("answers 400 VALIDATION_FAILED and changes nothing when $problem", async ({ body }) => {
    const team = await newTeam();

    const res = await team.owner.call<ApiError>(`/api/v1/members/${team.member.userId}`, {
      method: "PATCH",
      body,
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect((await rolesIn(team.owner))[team.member.userId]).toBe("member");
  });

  it("refuses every request without a valid session", async () => {
    const owner = await newTenant();
    await expectRouteRefusesWithoutValidSession(
      { method: "PATCH", path: `/api/v1/members/${owner.userId}`, body: { role: "owner" } },
      owner,
    );
  });

  it("needs an admin or an owner", async () => {
    await expectRouteRequiresRole(async (team) => {
      const target = await newMember(team.owner, "viewer");
      return {
        method: "PATCH",
        path: `/api/v1/members/${target.userId}`,
        body: { role: "member" },
      };
    }, "admin");
  });
});

describe("DELETE /api/v1/members/:userId", () => {
  it("removes a member, ends their sessions here but not elsewhere, and audits it", async () => {
    const team = await newTeam();
    const elsewhere = await joinWithPassword(await newTenant("Elsewhere"), team.member);

    const res = await team.admin.call(`/api/v1/members/${team.member.userId}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(204);
    expect(await rolesIn(team.owner)).not.toHaveProperty(team.member.userId);
    expect((await team.member.call("/api/v1/people")).status).toBe(401);
    expect((await api("/api/v1/auth/me", { cookie: elsewhere })).status).toBe(200);
    expect(await auditOf(team.owner.orgId, "member.removed")).toEqual([
      {
        actor_user_id: team.admin.userId,
        target_type: "user",
        target_id: team.member.userId,
        summary: { email: team.member.email, role: "member" },
      },
    ]);
  });

  it.each(["viewer", "member", "admin"] as const)(
    "lets a %s leave, ends their session, clears the cookie and audits it",
    async (role) => {
      const team = await newTeam();
      const leaver = team[role];

      const res = await leaver.call(`/api/v1/members/${leaver.userId}`, { method: "DELETE" });

      expect(res.status).toBe(204);
      expect(res.setCookie).toMatch(/^__Host-gallo_session=;/);
      expect((await leaver.call("/api/v1/members")).status).toBe(401);
      expect(await rolesIn(team.owner)).not.toHaveProperty(leaver.userId);
      expect(await auditOf(team.owner.orgId, "member.left")).toEqual([
        expect.objectContaining({ actor_user_id: leaver.userId, target_id: leaver.userId }),
      ]);
    },
  );

  it("refuses to let the last owner leave with 409 LAST_OWNER", async () => {
    const team = await newTeam();

    const res = await team.owner.call<ApiError>(`/api/v1/members/${team.owner.userId}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("LAST_OWNER");
    expect((await team.owner.call("/api/v1/members")).status).toBe(200);
  });

  it("lets an owner leave while another owner remains", async () => {
    const team = await newTeam();
    await changeRole(team.owner, team.admin, "owner");

    const res = await team.owner.call(`/api/v1/members/${team.owner.userId}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(204);
    expect(await ownerCount(team.owner.orgId)).toBe(1);
  });

  it("answers 403 FORBIDDEN when an admin tries to remove an owner", async () => {
    const team = await newTeam();

    const res = await team.admin.call<ApiError>(`/api/v1/members/${team.owner.userId}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect((await rolesIn(team.owner))[team.owner.userId]).toBe("owner");
  });

  it("lets an owner remove another owner", async () => {
    const team = await newTeam();
    await changeRole(team.owner, team.admin, "owner");

    const res = await team.owner.call(`/api/v1/members/${team.admin.userId}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(204);
    expect(await ownerCount(team.owner.orgId)).toBe(1);
  });

  it.each([
    { whose: "a member of another organisation", target: async () => (await newTenant()).userId },
    { whose: "nobody", target: async () => crypto.randomUUID() },
  ])("answers 404 NOT_FOUND for the id of $whose", async ({ target }) => {
    const team = await newTeam();

    const res = await team.owner.call<ApiError>(`/api/v1/members/${await target()}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
  });

  it("refuses every request without a valid session", async () => {
    const team = await newTeam();
    await expectRouteRefusesWithoutValidSession(
      { method: "DELETE", path: `/api/v1/members/${team.viewer.userId}` },
      team.owner,
    );
  });

  it("needs an admin or an owner to remove someone else", async () => {
    await expectRouteRequiresRole(async (team) => {
      const target = await newMember(team.owner, "viewer");
      return { method: "DELETE", path: `/api/v1/members/${target.userId}` };
    }, "admin");
  });
});

describe("POST /api/v1/members/transfer-ownership", () => {
  it("makes the target an owner and the caller an admin, and audits it", async () => {
    const team = await newTeam();

    const res = await team.owner.call("/api/v1/members/transfer-ownership", {
      method: "POST",
      body: { userId: team.member.userId },
    });

    expect(res.status).toBe(200);
    expect(await rolesIn(team.owner)).toMatchObject({
      [team.owner.userId]: "admin",
      [team.member.userId]: "owner",
    });
    expect(await auditOf(team.owner.orgId, "org.ownership_transferred")).toEqual([
      expect.objectContaining({ actor_user_id: team.owner.userId, target_id: team.member.userId }),
    ]);
    // The former owner is an admin from the next request on.
    const again = await team.owner.call<ApiError>("/api/v1/members/transfer-ownership", {
      method: "POST",
      body: { userId: team.admin.userId },
    });
    expect(again.status).toBe(403);
  });

  it.each([
    { whose: "a member of another organisation", target: async () => (await newTenant()).userId },
    { whose: "nobody", target: async () => crypto.randomUUID() },
  ])("answers 404 NOT_FOUND for the id of $whose", async ({ target }) => {
    const team = await newTeam();

    const res = await team.owner.call<ApiError>("/api/v1/members/transfer-ownership", {
      method: "POST",
      body: { userId: await target() },
    });

    expect(res.status).toBe(404);
    expect(await ownerCount(team.owner.orgId)).toBe(1);
  });

  it.each([
    { problem: "the target is the caller", body: (t: Team) => ({ userId: t.owner.userId }) },
    {
      problem: "a role rides along",
      body: (t: Team) => ({ userId: t.member.userId, role: "viewer" }),
    },
    {
      problem: "orgId rides along",
      body: (t: Team) => ({ userId: t.member.userId, orgId: crypto.randomUUID() }),
    },
  ])("answers 400 VALIDATION_FAILED and changes nothing when $problem", async ({ body }) => {
    const team = await newTeam();

    const res = await team.owner.call<ApiError>("/api/v1/members/transfer-ownership", {
      method: "POST",
      body: body(team),
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect((await rolesIn(team.owner))[team.owner.userId]).toBe("owner");
  });

  it("refuses every request without a valid session", async () => {
    const team = await newTeam();
    await expectRouteRefusesWithoutValidSession(
      {
        method: "POST",
        path: "/api/v1/members/transfer-ownership",
        body: { userId: team.member.userId },
      },
      team.owner,
    );
  });

  it("needs an owner", async () => {
    await expectRouteRequiresRole(
      (team) => ({
        method: "POST",
        path: "/api/v1/members/transfer-ownership",
        body: { userId: team.member.userId },
      }),
      "owner",
    );
  });
});

async function changeRole(by: Tenant, target: Tenant, role: Role): Promise<void> {
  const res = await by.call(`/api/v1/members/${target.userId}`, {
    method: "PATCH",
    body: { role },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** An organisation with two owners: the founder and a second one they invited. */
async function twoOwners(): Promise<[Tenant, Tenant]> {
  const founder = await newTenant("Two owners");
  return [founder, await newMember(founder, "owner")];
}

function stepDown(owner: Tenant) {
  return owner.call(`/api/v1/members/${owner.userId}`, {
    method: "PATCH",
    body: { role: "admin" },
  });
}

function demote(by: Tenant, owner: Tenant) {
  return by.call(`/api/v1/members/${owner.userId}`, {
    method: "PATCH",
    body: { role: "admin" },
  });
}
