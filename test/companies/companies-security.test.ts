/**
 * Who may call each companies route, and that every route changing a company refuses a cross-site
 * request or one without the session's CSRF token. One team for the file: each call gets a
 * company of its own, so no call depends on another.
 */
import { beforeAll, describe, it } from "vitest";
import { minRoleFor } from "../../src/access/roles.ts";
import { createCompany } from "../support/crm-records.ts";
import {
  expectCrossSiteRefused,
  expectRoleMatrix,
  type RouteCase,
  stateChanging,
} from "../support/crm-security.ts";
import { newTeam, type Team } from "../support/team.ts";

const COMPANIES = "/api/v1/companies";
const fresh = (team: Team) => createCompany(team.owner, { name: "Empresa" });

const ROUTES: RouteCase[] = [
  {
    route: "GET /companies",
    minimum: minRoleFor("crm.read"),
    make: async () => ({ method: "GET", path: COMPANIES }),
  },
  {
    route: "GET /companies/:id",
    minimum: minRoleFor("crm.read"),
    make: async (team) => ({ method: "GET", path: `${COMPANIES}/${(await fresh(team)).id}` }),
  },
  {
    route: "GET /companies/:id/timeline",
    minimum: minRoleFor("crm.read"),
    make: async (team) => ({
      method: "GET",
      path: `${COMPANIES}/${(await fresh(team)).id}/timeline`,
    }),
  },
  {
    route: "POST /companies",
    minimum: minRoleFor("crm.write"),
    make: async () => ({ method: "POST", path: COMPANIES, body: { name: "Outra" } }),
  },
  {
    route: "PATCH /companies/:id",
    minimum: minRoleFor("crm.write"),
    make: async (team) => ({
      method: "PATCH",
      path: `${COMPANIES}/${(await fresh(team)).id}`,
      body: { version: 1, name: "Outra" },
    }),
  },
  {
    route: "DELETE /companies/:id",
    minimum: minRoleFor("crm.delete"),
    make: async (team) => ({ method: "DELETE", path: `${COMPANIES}/${(await fresh(team)).id}` }),
  },
  {
    route: "POST /companies/:id/restore",
    minimum: minRoleFor("crm.delete"),
    make: async (team) => {
      const { id } = await fresh(team);
      await team.owner.call(`${COMPANIES}/${id}`, { method: "DELETE" });
      return { method: "POST", path: `${COMPANIES}/${id}/restore` };
    },
  },
];

describe("every companies route", () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam("Companies");
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
