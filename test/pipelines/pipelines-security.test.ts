/**
 * Who may call each pipeline and stage route, and that every route changing one refuses a
 * cross-site request or one without the session's CSRF token. Pipelines and their stages are
 * definitions the whole organisation works in, so changing them needs an admin. One team for the
 * file: each call that changes something gets a pipeline of its own.
 */
import { beforeAll, describe, it } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { minRoleFor } from "../../src/access/roles.ts";
import { created } from "../support/crm-records.ts";
import {
  expectCrossSiteRefused,
  expectRoleMatrix,
  type RouteCase,
  stateChanging,
} from "../support/crm-security.ts";
import { defaultPipeline, type Pipeline, stageAt } from "../support/deals.ts";
import { newTeam, type Team } from "../support/team.ts";

const PIPELINES = "/api/v1/pipelines";
// ROLE_MATRIX names no action for CRM definitions; their routes pass "admin" to asMember.
const DEFINE: Role = "admin";

/** A pipeline of two open stages, not the default, without deals: free to change or delete. */
const fresh = (team: Team) =>
  created<Pipeline>(team.owner, PIPELINES, {
    name: `Parcerias ${crypto.randomUUID()}`,
    stages: [{ name: "Contato" }, { name: "Proposta" }],
  });

const ROUTES: RouteCase[] = [
  {
    route: "GET /pipelines",
    minimum: minRoleFor("crm.read"),
    make: async () => ({ method: "GET", path: PIPELINES }),
  },
  {
    route: "GET /pipelines/:id",
    minimum: minRoleFor("crm.read"),
    make: async (team) => ({
      method: "GET",
      path: `${PIPELINES}/${(await defaultPipeline(team.owner)).id}`,
    }),
  },
  {
    route: "GET /pipelines/:id/summary",
    minimum: minRoleFor("crm.read"),
    make: async (team) => ({
      method: "GET",
      path: `${PIPELINES}/${(await defaultPipeline(team.owner)).id}/summary`,
    }),
  },
  {
    route: "POST /pipelines",
    minimum: DEFINE,
    make: async () => ({
      method: "POST",
      path: PIPELINES,
      body: { name: `Revenda ${crypto.randomUUID()}`, stages: [{ name: "Contato" }] },
    }),
  },
  {
    route: "PATCH /pipelines/:id",
    minimum: DEFINE,
    make: async (team) => ({
      method: "PATCH",
      path: `${PIPELINES}/${(await fresh(team)).id}`,
      body: { name: `Revenda ${crypto.randomUUID()}` },
    }),
  },
  {
    route: "DELETE /pipelines/:id",
    minimum: DEFINE,
    make: async (team) => ({ method: "DELETE", path: `${PIPELINES}/${(await fresh(team)).id}` }),
  },
  {
    route: "POST /pipelines/:id/stages",
    minimum: DEFINE,
    make: async (team) => ({
      method: "POST",
      path: `${PIPELINES}/${(await fresh(team)).id}/stages`,
      body: { name: "Negociação" },
    }),
  },
  {
    route: "PUT /pipelines/:id/stages/order",
    minimum: DEFINE,
    make: async (team) => {
      const pipeline = await fresh(team);
      return {
        method: "PUT",
        path: `${PIPELINES}/${pipeline.id}/stages/order`,
        body: { stageIds: [stageAt(pipeline, 1).id, stageAt(pipeline, 0).id] },
      };
    },
  },
  {
    route: "PATCH /pipelines/:id/stages/:stageId",
    minimum: DEFINE,
    make: async (team) => {
      const pipeline = await fresh(team);
      return {
        method: "PATCH",
        path: `${PIPELINES}/${pipeline.id}/stages/${stageAt(pipeline, 0).id}`,
        body: { name: "Primeiro contato" },
      };
    },
  },
  {
    route: "DELETE /pipelines/:id/stages/:stageId",
    minimum: DEFINE,
    make: async (team) => {
      const pipeline = await fresh(team);
      return {
        method: "DELETE",
        path: `${PIPELINES}/${pipeline.id}/stages/${stageAt(pipeline, 1).id}`,
      };
    },
  },
];

describe("every pipeline route", () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam("Pipelines");
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
