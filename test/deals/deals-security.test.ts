/**
 * Who may call each deal route, and that every route changing a deal refuses a cross-site request
 * or one without the session's CSRF token. One team for the file: each call gets a deal of its
 * own, so no call depends on another.
 */
import { beforeAll, describe, it } from "vitest";
import { minRoleFor } from "../../src/access/roles.ts";
import {
  expectCrossSiteRefused,
  expectRoleMatrix,
  type RouteCase,
  stateChanging,
} from "../support/crm-security.ts";
import { createDeal, defaultPipeline, stageAt } from "../support/deals.ts";
import { newTeam, type Team } from "../support/team.ts";

const DEALS = "/api/v1/deals";
const fresh = (team: Team) => createDeal(team.owner, { title: "Contrato" });

const ROUTES: RouteCase[] = [
  {
    route: "GET /deals",
    minimum: minRoleFor("crm.read"),
    make: async () => ({ method: "GET", path: DEALS }),
  },
  {
    route: "GET /deals/:id",
    minimum: minRoleFor("crm.read"),
    make: async (team) => ({ method: "GET", path: `${DEALS}/${(await fresh(team)).id}` }),
  },
  {
    route: "GET /deals/:id/timeline",
    minimum: minRoleFor("crm.read"),
    make: async (team) => ({ method: "GET", path: `${DEALS}/${(await fresh(team)).id}/timeline` }),
  },
  {
    route: "POST /deals",
    minimum: minRoleFor("crm.write"),
    make: async () => ({ method: "POST", path: DEALS, body: { title: "Outro" } }),
  },
  {
    route: "PATCH /deals/:id",
    minimum: minRoleFor("crm.write"),
    make: async (team) => ({
      method: "PATCH",
      path: `${DEALS}/${(await fresh(team)).id}`,
      body: { version: 1, title: "Outro" },
    }),
  },
  {
    route: "POST /deals/:id/move",
    minimum: minRoleFor("crm.write"),
    make: async (team) => {
      const [deal, pipeline] = await Promise.all([fresh(team), defaultPipeline(team.owner)]);
      return {
        method: "POST",
        path: `${DEALS}/${deal.id}/move`,
        body: { version: 1, stageId: stageAt(pipeline, 1).id },
      };
    },
  },
  {
    route: "DELETE /deals/:id",
    minimum: minRoleFor("crm.delete"),
    make: async (team) => ({ method: "DELETE", path: `${DEALS}/${(await fresh(team)).id}` }),
  },
  {
    route: "POST /deals/:id/restore",
    minimum: minRoleFor("crm.delete"),
    make: async (team) => {
      const { id } = await fresh(team);
      await team.owner.call(`${DEALS}/${id}`, { method: "DELETE" });
      return { method: "POST", path: `${DEALS}/${id}/restore` };
    },
  },
];

describe("every deal route", () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam("Deals");
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
