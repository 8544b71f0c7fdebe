/**
 * The role matrix (src/access/roles.ts): as declared, and as the routes that exist enforce it,
 * one case per action and role, each in a fresh organisation.
 */
import { describe, expect, it } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { type Action, may, ROLE_MATRIX, ROLE_RANKS } from "../../src/access/roles.ts";
import { newTenant, type Tenant } from "../support/api.ts";
import type { Route } from "../support/security.ts";
import { newMember } from "../support/team.ts";
import type { ApiError } from "./support.ts";

/** The matrix as the README shows it: the roles that may do each action. */
const EXPECTED: Record<Action, readonly Role[]> = {
  "crm.read": ["viewer", "member", "admin", "owner"],
  "crm.write": ["member", "admin", "owner"],
  "crm.delete": ["member", "admin", "owner"],
  "crm.export": ["admin", "owner"],
  "members.read": ["viewer", "member", "admin", "owner"],
  "membership.leave": ["viewer", "member", "admin", "owner"],
  "members.manage": ["admin", "owner"],
  "owners.manage": ["owner"],
  "organisation.settings": ["admin", "owner"],
  "billing.manage": ["owner"],
  "audit.read": ["admin", "owner"],
  "ownership.transfer": ["owner"],
};

/** A request that performs the action, made for `caller` in `owner`'s organisation. */
type Probe = (owner: Tenant, caller: Tenant) => Promise<Route>;

/** Every action that a route performs today. */
const PROBES: Partial<Record<Action, Probe>> = {
  "crm.read": async () => ({ method: "GET", path: "/api/v1/people" }),
  "crm.write": async () => ({
    method: "POST",
    path: "/api/v1/people",
    body: { firstName: "Ana" },
  }),
  "crm.delete": async (owner) => {
    const made = await owner.call<{ data: { id: string } }>("/api/v1/people", {
      method: "POST",
      body: { firstName: "Bia" },
    });
    return { method: "DELETE", path: `/api/v1/people/${made.body.data.id}` };
  },
  "members.read": async () => ({ method: "GET", path: "/api/v1/members" }),
  "membership.leave": async (owner, caller) => {
    // The last owner may not leave: give the organisation a second one first.
    if (caller === owner) await newMember(owner, "owner");
    return { method: "DELETE", path: `/api/v1/members/${caller.userId}` };
  },
  "members.manage": async (owner) => {
    const target = await newMember(owner, "viewer");
    return { method: "PATCH", path: `/api/v1/members/${target.userId}`, body: { role: "member" } };
  },
  "owners.manage": async () => ({
    method: "POST",
    path: "/api/v1/invitations",
    body: { email: `owner-${crypto.randomUUID()}@example.com`, role: "owner" },
  }),
  "ownership.transfer": async (owner) => {
    const target = await newMember(owner, "viewer");
    return {
      method: "POST",
      path: "/api/v1/members/transfer-ownership",
      body: { userId: target.userId },
    };
  },
};

const cells = (Object.keys(ROLE_MATRIX) as Action[]).flatMap((action) =>
  ROLE_RANKS.map((role) => ({ action, role, allowed: EXPECTED[action].includes(role) })),
);

describe("the role matrix", () => {
  it.each(cells)("$action by a $role: allowed is $allowed", ({ action, role, allowed }) => {
    expect(may(role, action)).toBe(allowed);
  });

  const routed = cells.filter(({ action }) => PROBES[action]);

  it.each(routed)(
    "$action by a $role through its route: allowed is $allowed",
    async ({ action, role, allowed }) => {
      const owner = await newTenant("Matrix");
      const caller = role === "owner" ? owner : await newMember(owner, role);
      const probe = PROBES[action];
      if (!probe) throw new Error(`no probe for ${action}`);
      const route = await probe(owner, caller);

      const res = await caller.call<ApiError>(route.path, route);

      const what = `${route.method} ${route.path} as ${role}`;
      if (allowed) {
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      } else {
        expect(res.status, what).toBe(403);
        expect(res.body.error.code, what).toBe("FORBIDDEN");
      }
    },
  );
});
