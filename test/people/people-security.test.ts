/**
 * Who may call each people route, and that every route changing a person refuses a cross-site
 * request or one without the session's CSRF token. One team for the file: each call gets a
 * person of its own, so no call depends on another.
 */
import { beforeAll, describe, it } from "vitest";
import { minRoleFor } from "../../src/access/roles.ts";
import { createPerson } from "../support/crm-records.ts";
import {
  expectCrossSiteRefused,
  expectRoleMatrix,
  type RouteCase,
  stateChanging,
} from "../support/crm-security.ts";
import { newTeam, type Team } from "../support/team.ts";

const PEOPLE = "/api/v1/people";
const fresh = (team: Team) => createPerson(team.owner, { firstName: "Ana" });

const ROUTES: RouteCase[] = [
  {
    route: "GET /people",
    minimum: minRoleFor("crm.read"),
    make: async () => ({ method: "GET", path: PEOPLE }),
  },
  {
    route: "GET /people/:id",
    minimum: minRoleFor("crm.read"),
    make: async (team) => ({ method: "GET", path: `${PEOPLE}/${(await fresh(team)).id}` }),
  },
  {
    route: "GET /people/:id/timeline",
    minimum: minRoleFor("crm.read"),
    make: async (team) => ({ method: "GET", path: `${PEOPLE}/${(await fresh(team)).id}/timeline` }),
  },
  {
    route: "POST /people",
    minimum: minRoleFor("crm.write"),
    make: async () => ({ method: "POST", path: PEOPLE, body: { firstName: "Bia" } }),
  },
  {
    route: "PATCH /people/:id",
    minimum: minRoleFor("crm.write"),
    make: async (team) => ({
      method: "PATCH",
      path: `${PEOPLE}/${(await fresh(team)).id}`,
      body: { version: 1, firstName: "Bia" },
    }),
  },
  {
    route: "DELETE /people/:id",
    minimum: minRoleFor("crm.delete"),
    make: async (team) => ({ method: "DELETE", path: `${PEOPLE}/${(await fresh(team)).id}` }),
  },
  {
    route: "POST /people/:id/restore",
    minimum: minRoleFor("crm.delete"),
    make: async (team) => {
      const { id } = await fresh(team);
      await team.owner.call(`${PEOPLE}/${id}`, { method: "DELETE" });
      return { method: "POST", path: `${PEOPLE}/${id}/restore` };
    },
  },
];

describe("every people route", () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam("People");
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
