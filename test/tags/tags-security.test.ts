/**
 * Who may call each tags route, and that every route changing a tag refuses a cross-site request
 * or one without the session's CSRF token. Tags are definitions the organisation shares, so
 * changing them needs an admin. One team for the file: each call gets a tag of its own.
 */
import { beforeAll, describe, it } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { minRoleFor } from "../../src/access/roles.ts";
import { createTag } from "../support/crm-records.ts";
import {
  expectCrossSiteRefused,
  expectRoleMatrix,
  type RouteCase,
  stateChanging,
} from "../support/crm-security.ts";
import { newTeam, type Team } from "../support/team.ts";

const TAGS = "/api/v1/tags";
// ROLE_MATRIX names no action for CRM definitions; their routes pass "admin" to asMember.
const DEFINE: Role = "admin";

const name = () => `Cliente ${crypto.randomUUID()}`;
const fresh = (team: Team) => createTag(team.owner, "person", name());

const ROUTES: RouteCase[] = [
  {
    route: "GET /tags",
    minimum: minRoleFor("crm.read"),
    make: async () => ({ method: "GET", path: TAGS }),
  },
  {
    route: "POST /tags",
    minimum: DEFINE,
    make: async () => ({ method: "POST", path: TAGS, body: { entity: "person", name: name() } }),
  },
  {
    route: "PATCH /tags/:id",
    minimum: DEFINE,
    make: async (team) => ({
      method: "PATCH",
      path: `${TAGS}/${(await fresh(team)).id}`,
      body: { name: name() },
    }),
  },
  {
    route: "DELETE /tags/:id",
    minimum: DEFINE,
    make: async (team) => ({ method: "DELETE", path: `${TAGS}/${(await fresh(team)).id}` }),
  },
];

describe("every tags route", () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam("Tags");
  });

  it.each(ROUTES)("$route needs the $minimum role: 403 below it, 2xx from it up", async (route) => {
    await expectRoleMatrix(route, team);
  });

  it.each(stateChanging(ROUTES))(
    "$route refuses a cross-site request and one without the session's CSRF token",
    async (route) => {
      await expectCrossSiteRefused(route, team);
    },
  );
});
