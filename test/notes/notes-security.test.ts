/**
 * Who may call each note route, and that every route changing a note refuses a cross-site request
 * or one without the session's CSRF token. One team for the file: each call gets a note of its
 * own. Members change only their own notes (admins and owners anyone's), so a caller who may
 * write is the author of the note it changes; "who may change a note" in notes.test.ts covers a
 * member changing someone else's.
 */
import { beforeAll, describe, it } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { isAtLeast, minRoleFor } from "../../src/access/roles.ts";
import { created } from "../support/crm-records.ts";
import {
  expectCrossSiteRefused,
  expectRoleMatrix,
  type RouteCase,
  stateChanging,
} from "../support/crm-security.ts";
import { newTeam, type Team } from "../support/team.ts";

const NOTES = "/api/v1/notes";
const WRITE = minRoleFor("crm.write");

/** A person to put notes on, made by the owner. */
const person = (team: Team) =>
  created<{ id: string }>(team.owner, "/api/v1/people", { firstName: "Ana" });

/** A note by `caller` when they may write one, else by the owner. */
async function fresh(team: Team, caller: Role): Promise<{ id: string }> {
  const author = isAtLeast(caller, WRITE) ? team[caller] : team.owner;
  const { id } = await person(team);
  return created(author, NOTES, { recordType: "person", recordId: id, body: "Reunião" });
}

const ROUTES: RouteCase[] = [
  {
    route: "GET /notes",
    minimum: minRoleFor("crm.read"),
    make: async () => ({ method: "GET", path: NOTES }),
  },
  {
    route: "GET /notes/:id",
    minimum: minRoleFor("crm.read"),
    make: async (team, caller) => ({
      method: "GET",
      path: `${NOTES}/${(await fresh(team, caller)).id}`,
    }),
  },
  {
    route: "POST /notes",
    minimum: WRITE,
    make: async (team) => ({
      method: "POST",
      path: NOTES,
      body: { recordType: "person", recordId: (await person(team)).id, body: "Ligou" },
    }),
  },
  {
    route: "PATCH /notes/:id",
    minimum: WRITE,
    make: async (team, caller) => ({
      method: "PATCH",
      path: `${NOTES}/${(await fresh(team, caller)).id}`,
      body: { version: 1, body: "Reunião adiada" },
    }),
  },
  {
    route: "DELETE /notes/:id",
    minimum: minRoleFor("crm.delete"),
    make: async (team, caller) => ({
      method: "DELETE",
      path: `${NOTES}/${(await fresh(team, caller)).id}`,
    }),
  },
  {
    route: "POST /notes/:id/restore",
    minimum: minRoleFor("crm.delete"),
    make: async (team, caller) => {
      const { id } = await fresh(team, caller);
      const author = isAtLeast(caller, WRITE) ? team[caller] : team.owner;
      await author.call(`${NOTES}/${id}`, { method: "DELETE" });
      return { method: "POST", path: `${NOTES}/${id}/restore` };
    },
  },
];

describe("every note route", () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam("Notes");
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
