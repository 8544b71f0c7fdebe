/**
 * More people in one organisation: a member with a given role, signed in to that organisation,
 * and sign-ups in a given language. Memberships are written as the owner role with the
 * organisation's claim (invitations have no API yet); everything else goes through the front door.
 */
import { inject } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { api, cookieFrom, linkToken, newTenant, type Tenant, tenantFrom } from "./api.ts";
import { connect } from "./db.ts";

/** A new user who belongs to `owner`'s organisation with `role`, signed in to it. */
export async function addMember(owner: Tenant, role: Role): Promise<Tenant> {
  const person = await newTenant(`Member ${role}`);
  const sql = connect(inject("ownerUrl"));
  await sql.transaction([
    sql.query("select set_config('app.org_id', $1, true)", [owner.orgId]),
    sql.query("insert into memberships (org_id, user_id, role) values ($1, $2, $3)", [
      owner.orgId,
      person.userId,
      role,
    ]),
  ]);

  const switched = await person.call<{ csrfToken: string }>("/api/v1/auth/switch-organisation", {
    method: "POST",
    body: { organisationId: owner.orgId },
  });
  if (switched.status !== 200) throw new Error(`switch failed: ${JSON.stringify(switched.body)}`);
  const cookie = cookieFrom(switched.setCookie);
  const csrfToken = switched.body.csrfToken;
  return {
    ...person,
    orgId: owner.orgId,
    cookie,
    csrfToken,
    call: (path, call = {}) =>
      api(path, { ...call, cookie, headers: { "x-csrf-token": csrfToken, ...call.headers } }),
  };
}

/** Signs up a new organisation with `Accept-Language: acceptLanguage` on every step. */
export async function newTenantSpeaking(acceptLanguage: string): Promise<Tenant> {
  const email = `owner-${crypto.randomUUID()}@example.com`;
  const password = `senha-forte-${crypto.randomUUID()}`;
  const headers = { "accept-language": acceptLanguage };
  const started = await api("/api/v1/auth/register", {
    method: "POST",
    headers,
    body: { organisationName: `Org ${acceptLanguage}`, email, password },
  });
  if (started.status !== 202) throw new Error(`register failed: ${JSON.stringify(started.body)}`);
  const res = await api<{ organisation: { id: string }; user: { id: string }; csrfToken: string }>(
    "/api/v1/auth/register/confirm",
    { method: "POST", headers, body: { token: await linkToken(email, "/verify-email") } },
  );
  if (res.status !== 201) throw new Error(`confirm failed: ${JSON.stringify(res.body)}`);
  return tenantFrom(res, { email, password });
}

/** Sets the time zone of a user (null: follow the organisation's) or of an organisation. */
export async function setTimeZone(
  target: { userId: string } | { orgId: string },
  timezone: string | null,
): Promise<void> {
  const sql = connect(inject("ownerUrl"));
  if ("userId" in target) {
    await sql.transaction([
      sql.query("select set_config('app.user_id', $1, true)", [target.userId]),
      sql.query("update users set timezone = $1 where id = $2", [timezone, target.userId]),
    ]);
  } else {
    await sql.transaction([
      sql.query("select set_config('app.org_id', $1, true)", [target.orgId]),
      sql.query("update organisations set timezone = $1 where id = $2", [timezone, target.orgId]),
    ]);
  }
}
