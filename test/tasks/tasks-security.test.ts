/**
 * Who may call each task route, and that every route changing a task refuses a cross-site request
 * or one without the session's CSRF token. One team for the file: each call gets a task of its
 * own, so no call depends on another.
 */
import { beforeAll, describe, it } from "vitest";
import { minRoleFor } from "../../src/access/roles.ts";
import { created } from "../support/crm-records.ts";
import {
  expectCrossSiteRefused,
  expectRoleMatrix,
  type RouteCase,
  stateChanging,
} from "../support/crm-security.ts";
import { newTeam, type Team } from "../support/team.ts";

const TASKS = "/api/v1/tasks";
const fresh = (team: Team) => created<{ id: string }>(team.owner, TASKS, { title: "Ligar" });

const ROUTES: RouteCase[] = [
  {
    route: "GET /tasks",
    minimum: minRoleFor("crm.read"),
    make: async () => ({ method: "GET", path: TASKS }),
  },
  {
    route: "GET /tasks/:id",
    minimum: minRoleFor("crm.read"),
    make: async (team) => ({ method: "GET", path: `${TASKS}/${(await fresh(team)).id}` }),
  },
  {
    route: "POST /tasks",
    minimum: minRoleFor("crm.write"),
    make: async () => ({ method: "POST", path: TASKS, body: { title: "Ligar" } }),
  },
  {
    route: "PATCH /tasks/:id",
    minimum: minRoleFor("crm.write"),
    make: async (team) => ({
      method: "PATCH",
      path: `${TASKS}/${(await fresh(team)).id}`,
      body: { version: 1, title: "Visitar" },
    }),
  },
  {
    route: "DELETE /tasks/:id",
    minimum: minRoleFor("crm.delete"),
    make: async (team) => ({ method: "DELETE", path: `${TASKS}/${(await fresh(team)).id}` }),
  },
  {
    route: "POST /tasks/:id/restore",
    minimum: minRoleFor("crm.delete"),
    make: async (team) => {
      const { id } = await fresh(team);
      await team.owner.call(`${TASKS}/${id}`, { method: "DELETE" });
      return { method: "POST", path: `${TASKS}/${id}/restore` };
    },
  },
];

describe("every task route", () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam("Tasks");
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
