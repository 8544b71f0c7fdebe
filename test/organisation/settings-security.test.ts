import { beforeAll, describe, it } from "vitest";
import { minRoleFor } from "../../src/access/roles.ts";
import { newTenant, type Tenant } from "../support/api.ts";
import {
  expectRouteRefusesCrossSite,
  expectRouteRefusesWithoutValidSession,
  expectRouteRequiresRole,
  type Route,
} from "../support/security.ts";
import { newTeam, type Team } from "../support/team.ts";

const SETTINGS = "/api/v1/organisation/settings";
const READ: Route = { method: "GET", path: SETTINGS };
// A harmless change: requireTwoFactor would hold the team's owners and admins at enrolment.
const CHANGE: Route = { method: "PATCH", path: SETTINGS, body: { timezone: "America/Sao_Paulo" } };

describe("the organisation settings routes", () => {
  let owner: Tenant;
  let team: Team;
  beforeAll(async () => {
    [owner, team] = await Promise.all([newTenant("Settings"), newTeam("Settings")]);
  });

  it.each([READ, CHANGE])(
    "$method refuses every request without a valid session",
    async (route) => {
      await expectRouteRefusesWithoutValidSession(route, owner);
    },
  );

  it("PATCH refuses a cross-site request and one without the session's CSRF token", async () => {
    await expectRouteRefusesCrossSite(CHANGE, owner);
  });

  it.each([
    { route: READ, minimum: "viewer" as const },
    { route: CHANGE, minimum: minRoleFor("organisation.settings") },
  ])("$route.method needs the $minimum role", async ({ route, minimum }) => {
    await expectRouteRequiresRole(route, minimum, team);
  });
});
