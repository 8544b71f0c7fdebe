/**
 * Who may call each custom fields route, and that every route changing a definition refuses a
 * cross-site request or one without the session's CSRF token. Definitions shape every record of
 * their kind, so changing them needs an admin. One team for the file: each call gets a field of
 * its own, and another organisation's field answers 404 to every route naming it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { minRoleFor } from "../../src/access/roles.ts";
import { newTenant } from "../support/api.ts";
import { type ApiError, created, read } from "../support/crm-records.ts";
import {
  expectCrossSiteRefused,
  expectRoleMatrix,
  type RouteCase,
  stateChanging,
} from "../support/crm-security.ts";
import { newTeam, type Team } from "../support/team.ts";

const FIELDS = "/api/v1/custom-fields";
// ROLE_MATRIX names no action for CRM definitions; their routes pass "admin" to asMember.
const DEFINE: Role = "admin";

type Field = { id: string; key: string; label: string };

/** A field definition with a key of its own (keys are unique per kind of record). */
const definition = () => ({
  entity: "person",
  key: `campo_${crypto.randomUUID().replaceAll("-", "")}`,
  label: "Segmento",
  type: "text",
});
const fresh = (team: Team) => created<Field>(team.owner, FIELDS, definition());

const ROUTES: RouteCase[] = [
  {
    route: "GET /custom-fields",
    minimum: minRoleFor("crm.read"),
    make: async () => ({ method: "GET", path: FIELDS }),
  },
  {
    route: "POST /custom-fields",
    minimum: DEFINE,
    make: async () => ({ method: "POST", path: FIELDS, body: definition() }),
  },
  {
    route: "PATCH /custom-fields/:id",
    minimum: DEFINE,
    make: async (team) => ({
      method: "PATCH",
      path: `${FIELDS}/${(await fresh(team)).id}`,
      body: { label: "Ramo" },
    }),
  },
  {
    route: "DELETE /custom-fields/:id",
    minimum: DEFINE,
    make: async (team) => ({ method: "DELETE", path: `${FIELDS}/${(await fresh(team)).id}` }),
  },
];

describe("every custom fields route", () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam("Fields");
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

  // DELETE of another organisation's field is in custom-fields.test.ts, with its values.
  it("answers 404 to PATCH of another organisation's field, which stays as it was", async () => {
    const stranger = await newTenant("Stranger");
    const field = await fresh(team);

    const res = await stranger.call<ApiError>(`${FIELDS}/${field.id}`, {
      method: "PATCH",
      body: { label: "Mine now" },
    });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    const fields = await read<Field[]>(team.owner, FIELDS);
    expect(fields.find((f) => f.id === field.id)).toEqual(field);
  });
});
