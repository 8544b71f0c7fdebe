/**
 * The role matrix and cross-site checks of the CRM routes as one table per folder: each row names
 * a route, the weakest role it needs, and how to make a request to it (usually on a record of its
 * own, so that no row depends on what another row changed).
 */
import { expect } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { isAtLeast, ROLE_RANKS } from "../../src/access/roles.ts";
import type { Call, Tenant } from "./api.ts";
import { expectRouteRefusesCrossSite, expectRouteRequiresRole, type Route } from "./security.ts";
import type { Team } from "./team.ts";

export type RouteCase = {
  /** "METHOD /path", shown in the test name. */
  route: string;
  /** The weakest role the route must let through. */
  minimum: Role;
  /** A request to the route for `caller`, on records made for it in `team`. */
  make: (team: Team, caller: Role) => Promise<Route>;
};

/**
 * `expectRouteRequiresRole` for `routeCase` in `team`, and then that every role allowed through
 * got a 2xx answer: refused another way (404, 409, 400) would hide a broken role check.
 */
export async function expectRoleMatrix(routeCase: RouteCase, team: Team): Promise<void> {
  const answers: { role: Role; status: number }[] = [];
  const watch = (role: Role): Tenant => ({
    ...team[role],
    call: async <T>(path: string, call?: Call) => {
      const res = await team[role].call<T>(path, call);
      answers.push({ role, status: res.status });
      return res;
    },
  });
  const watched = Object.fromEntries(ROLE_RANKS.map((role) => [role, watch(role)])) as Team;

  await expectRouteRequiresRole(
    (_, caller) => routeCase.make(team, caller),
    routeCase.minimum,
    watched,
  );

  expect(answers.map((a) => a.role)).toEqual([...ROLE_RANKS]);
  for (const { role, status } of answers.filter((a) => isAtLeast(a.role, routeCase.minimum))) {
    expect(status, `${routeCase.route} as ${role}`).toBeGreaterThanOrEqual(200);
    expect(status, `${routeCase.route} as ${role}`).toBeLessThan(300);
  }
}

/** `expectRouteRefusesCrossSite` for `routeCase`, as the team's owner. */
export async function expectCrossSiteRefused(routeCase: RouteCase, team: Team): Promise<void> {
  await expectRouteRefusesCrossSite(await routeCase.make(team, "owner"), team.owner);
}

/** The rows of `cases` that change something (every method but GET). */
export function stateChanging(cases: RouteCase[]): RouteCase[] {
  return cases.filter((c) => !c.route.startsWith("GET "));
}
