/**
 * Organisations with members of every role, made through the front door: the owner signs up,
 * then invites the others, who accept the emailed link with a new password.
 */
import type { Role } from "../../drizzle/schema.ts";
import { api, cookieFrom, linkToken, newTenant, type Tenant, tenantFrom } from "./api.ts";

/** One member of each role in one organisation, each with a session in it. */
export type Team = Record<Role, Tenant>;

type SessionBody = { organisation: { id: string }; user: { id: string }; csrfToken: string };

/** A fresh organisation with an owner, an admin, a member and a viewer. */
export async function newTeam(name = "Team"): Promise<Team> {
  const owner = await newTenant(name);
  const [admin, member, viewer] = await Promise.all([
    newMember(owner, "admin"),
    newMember(owner, "member"),
    newMember(owner, "viewer"),
  ]);
  return { owner, admin, member, viewer };
}

/**
 * Invites a new person with `role` as `inviter` (who must be allowed to), and accepts the emailed
 * link as a new account. Returns the new member, signed in to the inviter's organisation.
 */
export async function newMember(inviter: Tenant, role: Role): Promise<Tenant> {
  const email = `${role}-${crypto.randomUUID()}@example.com`;
  const password = `senha-de-${role}-${crypto.randomUUID()}`;
  const invited = await inviter.call("/api/v1/invitations", {
    method: "POST",
    body: { email, role },
  });
  if (invited.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invited.body)}`);
  const token = await linkToken(email, "/accept-invitation");
  const res = await api<SessionBody>("/api/v1/invitations/accept", {
    method: "POST",
    body: { token, password },
  });
  if (res.status !== 201) throw new Error(`accept failed: ${JSON.stringify(res.body)}`);
  return tenantFrom(res, { email, password });
}

/**
 * `person`, who has an account, joins `org` with `role` by an invitation that they accept with
 * their password. Returns the cookie of the session the acceptance opened in `org`.
 */
export async function joinWithPassword(
  org: Tenant,
  person: Tenant,
  role: Role = "member",
): Promise<string> {
  const invited = await org.call("/api/v1/invitations", {
    method: "POST",
    body: { email: person.email, role },
  });
  if (invited.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invited.body)}`);
  const token = await linkToken(person.email, "/accept-invitation");
  const res = await api("/api/v1/invitations/accept", {
    method: "POST",
    body: { token, password: person.password },
  });
  if (res.status !== 201) throw new Error(`accept failed: ${JSON.stringify(res.body)}`);
  return cookieFrom(res.setCookie);
}
