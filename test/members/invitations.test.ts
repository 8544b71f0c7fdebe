import { describe, expect, it } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { sha256Hex } from "../../src/lib/crypto.ts";
import {
  type ApiResponse,
  api,
  cookieFrom,
  emailsTo,
  linkToken,
  newTenant,
  type Tenant,
} from "../support/api.ts";
import {
  expectRouteRefusesWithoutValidSession,
  expectRouteRequiresRole,
} from "../support/security.ts";
import { newTeam } from "../support/team.ts";
import { type ApiError, asOwner, auditOf, rolesIn } from "./support.ts";

type Invitation = {
  id: string;
  email: string;
  role: Role;
  invitedBy: string;
  expiresAt: string;
  createdAt: string;
};
type Joined = {
  user: { id: string; email: string };
  organisation: { id: string; name: string };
  role: Role;
  csrfToken: string;
};

const DAY = 24 * 60 * 60 * 1000;

describe("POST /api/v1/invitations", () => {
  it("invites by email with a 7-day link, stores only the token's hash, and audits it", async () => {
    const owner = await newTenant("Padaria");
    const email = newEmail();

    const res = await invite(owner, ` ${email.toUpperCase()} `, "member");

    expect(res.status).toBe(201);
    const invitation = (res.body as { data: Invitation }).data;
    expect(invitation).toEqual({
      id: expect.any(String),
      email,
      role: "member",
      invitedBy: owner.userId,
      expiresAt: expect.any(String),
      createdAt: expect.any(String),
    });
    const lifetime = Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt);
    expect(Math.abs(lifetime - 7 * DAY)).toBeLessThan(60_000);
    const token = await linkToken(email, "/accept-invitation");
    expect(JSON.stringify(res.body)).not.toContain(token);
    const { rows } = await asOwner().query("select token_hash from invitations where id = $1", [
      invitation.id,
    ]);
    expect(rows).toEqual([{ token_hash: await sha256Hex(token) }]);
    const [sent] = await emailsTo(email);
    expect(sent?.text).toContain(owner.email);
    expect(await auditOf(owner.orgId, "member.invited")).toEqual([
      {
        actor_user_id: owner.userId,
        target_type: "invitation",
        target_id: invitation.id,
        summary: { email, role: "member" },
      },
    ]);
  });

  it("writes the email in Brazilian Portuguese when asked to", async () => {
    const owner = await newTenant();
    const email = newEmail();

    await owner.call("/api/v1/invitations", {
      method: "POST",
      body: { email, role: "viewer" },
      headers: { "accept-language": "pt-BR" },
    });

    const [sent] = await emailsTo(email);
    expect(sent?.subject).toMatch(/^Convite para /);
    expect(sent?.text).toMatch(/como leitor/);
  });

  it("answers 409 ALREADY_MEMBER for someone who is already a member, and sends nothing", async () => {
    const team = await newTeam();

    const res = await invite(team.owner, team.viewer.email.toUpperCase(), "admin");

    expect(res.status).toBe(409);
    expect((res.body as ApiError).error.code).toBe("ALREADY_MEMBER");
    expect((await emailsTo(team.viewer.email)).length).toBe(1);
  });

  it("lets only owners invite owners", async () => {
    const team = await newTeam();

    const byAdmin = await invite(team.admin, newEmail(), "owner");
    const byOwner = await invite(team.owner, newEmail(), "owner");

    expect(byAdmin.status).toBe(403);
    expect((byAdmin.body as ApiError).error.code).toBe("FORBIDDEN");
    expect(byOwner.status).toBe(201);
  });

  it.each([
    { problem: "orgId rides along", body: { orgId: crypto.randomUUID() } },
    { problem: "invitedBy rides along", body: { invitedBy: crypto.randomUUID() } },
    { problem: "a token rides along", body: { token: "x".repeat(43) } },
    { problem: "the role is unknown", body: { role: "superadmin" } },
    { problem: "the email is invalid", body: { email: "nobody" } },
  ])("answers 400 VALIDATION_FAILED and invites nobody when $problem", async ({ body }) => {
    const owner = await newTenant();

    const res = await owner.call<ApiError>("/api/v1/invitations", {
      method: "POST",
      body: { email: newEmail(), role: "member", ...body },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect((await pending(owner)).length).toBe(0);
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({
      method: "POST",
      path: "/api/v1/invitations",
      body: { email: newEmail(), role: "viewer" },
    });
  });

  it("needs an admin or an owner", async () => {
    await expectRouteRequiresRole(
      () => ({
        method: "POST",
        path: "/api/v1/invitations",
        body: { email: newEmail(), role: "viewer" },
      }),
      "admin",
    );
  });
});

describe("GET /api/v1/invitations", () => {
  it("lists the pending invitations of the organisation only, newest first", async () => {
    const owner = await newTenant();
    const stranger = await newTenant();
    const [accepted, revoked, first, second] = [newEmail(), newEmail(), newEmail(), newEmail()];
    for (const email of [accepted, revoked, first, second]) await invite(owner, email, "member");
    await invite(stranger, newEmail(), "member");
    await accept(await linkToken(accepted, "/accept-invitation"), "senha-do-convidado");
    await revoke(owner, revoked);

    const res = await owner.call<{ data: Invitation[] }>("/api/v1/invitations");

    expect(res.status).toBe(200);
    expect(res.body.data.map((i) => i.email)).toEqual([second, first]);
  });

  it("refuses every request without a valid session", async () => {
    await expectRouteRefusesWithoutValidSession({ method: "GET", path: "/api/v1/invitations" });
  });

  it("needs an admin or an owner", async () => {
    await expectRouteRequiresRole({ method: "GET", path: "/api/v1/invitations" }, "admin");
  });
});

describe("DELETE /api/v1/invitations/:id", () => {
  it("revokes the invitation, so its link no longer works, and audits it", async () => {
    const team = await newTeam();
    const email = newEmail();
    const id = await invitationId(team.admin, email, "member");
    const token = await linkToken(email, "/accept-invitation");

    const res = await team.admin.call(`/api/v1/invitations/${id}`, { method: "DELETE" });

    expect(res.status).toBe(204);
    expect((await pending(team.owner)).length).toBe(0);
    expectLinkInvalid(await accept(token, "senha-do-convidado"));
    expect(await auditOf(team.owner.orgId, "member.invitation_revoked")).toEqual([
      {
        actor_user_id: team.admin.userId,
        target_type: "invitation",
        target_id: id,
        summary: { email, role: "member" },
      },
    ]);
  });

  it("answers 403 FORBIDDEN when an admin tries to revoke an invitation to be owner", async () => {
    const team = await newTeam();
    const id = await invitationId(team.owner, newEmail(), "owner");

    const res = await team.admin.call<ApiError>(`/api/v1/invitations/${id}`, { method: "DELETE" });

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect((await pending(team.owner)).map((i) => i.id)).toEqual([id]);
  });

  it.each([
    {
      whose: "another organisation",
      id: async () => invitationId(await newTenant("Elsewhere"), newEmail(), "member"),
    },
    { whose: "nobody", id: async () => crypto.randomUUID() },
  ])("answers 404 NOT_FOUND for an invitation of $whose and revokes nothing", async ({ id }) => {
    const owner = await newTenant();
    const target = await id();

    const res = await owner.call<ApiError>(`/api/v1/invitations/${target}`, { method: "DELETE" });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    const { rows } = await asOwner().query("select revoked_at from invitations where id = $1", [
      target,
    ]);
    expect(rows.filter((r) => r.revoked_at !== null)).toEqual([]);
  });

  it("answers 404 NOT_FOUND for an invitation already accepted", async () => {
    const owner = await newTenant();
    const email = newEmail();
    const id = await invitationId(owner, email, "member");
    await accept(await linkToken(email, "/accept-invitation"), "senha-do-convidado");

    const res = await owner.call(`/api/v1/invitations/${id}`, { method: "DELETE" });

    expect(res.status).toBe(404);
  });

  it("refuses every request without a valid session", async () => {
    const owner = await newTenant();
    const id = await invitationId(owner, newEmail(), "member");
    await expectRouteRefusesWithoutValidSession(
      { method: "DELETE", path: `/api/v1/invitations/${id}` },
      owner,
    );
  });

  it("needs an admin or an owner", async () => {
    await expectRouteRequiresRole(async (team) => {
      const id = await invitationId(team.owner, newEmail(), "viewer");
      return { method: "DELETE", path: `/api/v1/invitations/${id}` };
    }, "admin");
  });
});

describe("POST /api/v1/invitations/accept", () => {
  it("creates the account with the chosen password, joins and opens a session in the organisation", async () => {
    const owner = await newTenant("Padaria");
    const email = newEmail();
    await invite(owner, email, "admin");

    const res = await accept(await linkToken(email, "/accept-invitation"), "senha-do-convidado");

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      user: { id: expect.any(String), email },
      organisation: { id: owner.orgId, name: expect.stringMatching(/^Padaria/) },
      role: "admin",
      csrfToken: expect.any(String),
    });
    const me = await api<{ role: Role }>("/api/v1/auth/me", { cookie: cookieFrom(res.setCookie) });
    expect(me.body.role).toBe("admin");
    expect((await login(email, "senha-do-convidado")).status).toBe(200);
    expect(await auditOf(owner.orgId, "member.joined")).toEqual([
      expect.objectContaining({
        actor_user_id: res.body.user.id,
        summary: { email, role: "admin", newAccount: true },
      }),
    ]);
  });

  it.each([
    { problem: "no password is given", password: undefined },
    { problem: "the password is too short", password: "curta" },
    { problem: "the password is common", password: "password123" },
  ])(
    "answers 400 VALIDATION_FAILED for a new account when $problem, and keeps the link",
    async ({ password }) => {
      const owner = await newTenant();
      const email = newEmail();
      await invite(owner, email, "member");
      const token = await linkToken(email, "/accept-invitation");

      const res = await accept(token, password);

      expect(res.status).toBe(400);
      expect(errorOf(res).details?.map((d) => d.path)).toEqual(["password"]);
      expect((await accept(token, "senha-do-convidado")).status).toBe(201);
    },
  );

  it("joins an existing account that proves itself with its password, and keeps that password", async () => {
    const org = await newTenant("Inviting");
    const person = await newTenant("Home");
    await invite(org, person.email, "viewer");

    const res = await accept(await linkToken(person.email, "/accept-invitation"), person.password);

    expect(res.status).toBe(201);
    expect(res.body.user.id).toBe(person.userId);
    expect((await rolesIn(org))[person.userId]).toBe("viewer");
    expect((await login(person.email, person.password)).status).toBe(200);
  });

  it("joins an existing account that is logged in (in another organisation) without its password", async () => {
    const org = await newTenant("Inviting");
    const person = await newTenant("Home");
    await invite(org, person.email, "member");
    const token = await linkToken(person.email, "/accept-invitation");

    const res = await person.call<Joined>("/api/v1/invitations/accept", {
      method: "POST",
      body: { token },
    });

    expect(res.status).toBe(201);
    expect(res.body.organisation.id).toBe(org.orgId);
    expect((await rolesIn(org))[person.userId]).toBe("member");
    // The session it was proven with is replaced by the new one, like switching organisation.
    expect((await person.call("/api/v1/auth/me")).status).toBe(401);
    expect((await api("/api/v1/auth/me", { cookie: cookieFrom(res.setCookie) })).status).toBe(200);
  });

  it.each([
    { proof: "no password and no session", password: undefined, code: "UNAUTHENTICATED" },
    { proof: "a wrong password", password: "nao-e-a-senha-dela", code: "INVALID_CREDENTIALS" },
  ])(
    "answers 401 $code for an existing account with $proof, and joins nobody",
    async ({ password, code }) => {
      const org = await newTenant("Inviting");
      const person = await newTenant("Home");
      await invite(org, person.email, "member");

      const res = await accept(await linkToken(person.email, "/accept-invitation"), password);

      expect(res.status).toBe(401);
      expect(errorOf(res).code).toBe(code);
      expect(res.setCookie).toBeNull();
      expect(await rolesIn(org)).not.toHaveProperty(person.userId);
    },
  );

  it("answers 401 when someone else is logged in, and joins nobody", async () => {
    const org = await newTenant("Inviting");
    const person = await newTenant("Invited");
    const someoneElse = await newTenant("Someone else");
    await invite(org, person.email, "member");
    const token = await linkToken(person.email, "/accept-invitation");

    const res = await someoneElse.call<ApiError>("/api/v1/invitations/accept", {
      method: "POST",
      body: { token },
    });

    expect(res.status).toBe(401);
    expect(await rolesIn(org)).not.toHaveProperty(person.userId);
    expect(await rolesIn(org)).not.toHaveProperty(someoneElse.userId);
  });

  it("does not take a password alone for an account with two-factor authentication", async () => {
    const org = await newTenant("Inviting");
    const person = await newTenant("Home");
    await asOwner().query(
      `insert into user_totp (user_id, secret_encrypted, enabled_at) values ($1, 'x', now())`,
      [person.userId],
    );
    await invite(org, person.email, "member");

    const res = await accept(await linkToken(person.email, "/accept-invitation"), person.password);

    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe("UNAUTHENTICATED");
    expect(await rolesIn(org)).not.toHaveProperty(person.userId);
  });

  it.each([
    {
      problem: "was already accepted",
      spoil: async (token: string) => {
        expect((await accept(token, "senha-do-convidado")).status).toBe(201);
      },
    },
    {
      problem: "has expired",
      spoil: async (token: string) => {
        await asOwner().query(
          "update invitations set expires_at = now() - interval '1 second' where token_hash = $1",
          [await sha256Hex(token)],
        );
      },
    },
  ])("answers 410 LINK_INVALID when the link $problem", async ({ spoil }) => {
    const owner = await newTenant();
    const email = newEmail();
    await invite(owner, email, "member");
    const token = await linkToken(email, "/accept-invitation");
    await spoil(token);

    expectLinkInvalid(await accept(token, "outra-senha-qualquer"));
  });

  it("answers 410 LINK_INVALID to a token that was never issued", async () => {
    expectLinkInvalid(await accept("b".repeat(43), "senha-do-convidado"));
  });

  it("lets only one of two simultaneous uses of a link through", async () => {
    const owner = await newTenant();
    const email = newEmail();
    await invite(owner, email, "member");
    const token = await linkToken(email, "/accept-invitation");

    const results = await Promise.all([
      accept(token, "primeira-senha-nova"),
      accept(token, "segunda-senha-nova"),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual([201, 410]);
    const { rows } = await asOwner().query(
      "select count(*)::int as n from memberships where org_id = $1",
      [owner.orgId],
    );
    expect(rows[0]?.n).toBe(2);
  });

  it("closes the person's other pending invitations to the organisation", async () => {
    const owner = await newTenant();
    const email = newEmail();
    await invite(owner, email, "viewer");
    const older = await linkToken(email, "/accept-invitation");
    await invite(owner, email, "member");

    await accept(await linkToken(email, "/accept-invitation"), "senha-do-convidado");

    expect((await pending(owner)).length).toBe(0);
    expectLinkInvalid(await accept(older, "senha-do-convidado"));
  });

  it.each([
    { problem: "a role rides along", body: { role: "owner" } },
    { problem: "orgId rides along", body: { orgId: crypto.randomUUID() } },
    { problem: "an email rides along", body: { email: "someone@example.com" } },
  ])("answers 400 VALIDATION_FAILED when $problem, and keeps the link", async ({ body }) => {
    const owner = await newTenant();
    const email = newEmail();
    await invite(owner, email, "viewer");
    const token = await linkToken(email, "/accept-invitation");

    const res = await api<ApiError>("/api/v1/invitations/accept", {
      method: "POST",
      body: { token, password: "senha-do-convidado", ...body },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    const joined = await accept(token, "senha-do-convidado");
    expect(joined.body.role).toBe("viewer");
  });
});

function newEmail(): string {
  return `invitee-${crypto.randomUUID()}@example.com`;
}

function invite(by: Tenant, email: string, role: Role) {
  return by.call<{ data: Invitation } | ApiError>("/api/v1/invitations", {
    method: "POST",
    body: { email, role },
  });
}

async function invitationId(by: Tenant, email: string, role: Role): Promise<string> {
  const res = await by.call<{ data: Invitation }>("/api/v1/invitations", {
    method: "POST",
    body: { email, role },
  });
  expect(res.status).toBe(201);
  return res.body.data.id;
}

async function pending(by: Tenant): Promise<Invitation[]> {
  const res = await by.call<{ data: Invitation[] }>("/api/v1/invitations");
  expect(res.status).toBe(200);
  return res.body.data;
}

async function revoke(by: Tenant, email: string): Promise<void> {
  const invitation = (await pending(by)).find((i) => i.email === email);
  const res = await by.call(`/api/v1/invitations/${invitation?.id}`, { method: "DELETE" });
  expect(res.status).toBe(204);
}

function accept(token: string, password?: string) {
  return api<Joined>("/api/v1/invitations/accept", {
    method: "POST",
    body: password === undefined ? { token } : { token, password },
  });
}

/** The error of a response whose success body has another shape. */
function errorOf(res: ApiResponse<unknown>): ApiError["error"] {
  return (res.body as ApiError).error;
}

function expectLinkInvalid(res: ApiResponse<unknown>): void {
  expect(res.status).toBe(410);
  expect(errorOf(res).code).toBe("LINK_INVALID");
  expect(res.setCookie).toBeNull();
}

function login(email: string, password: string) {
  return api("/api/v1/auth/login", { method: "POST", body: { email, password } });
}
