/**
 * Every files route refuses a request without a valid session (401), every state-changing one a
 * cross-site request or one without the session's CSRF token (403), and each asks for its role:
 * viewers read and download, members upload and delete.
 */
import { describe, it } from "vitest";
import type { Role } from "../../drizzle/schema.ts";
import { isAtLeast, minRoleFor } from "../../src/access/roles.ts";
import type { Tenant } from "../support/api.ts";
import { newTenant } from "../support/api.ts";
import {
  expectRouteRefusesCrossSite,
  expectRouteRefusesWithoutValidSession,
  expectRouteRequiresRole,
  type Route,
} from "../support/security.ts";
import type { Team } from "../support/team.ts";
import { announce, aPerson, attached, FILES } from "./upload.ts";

const CONTENT = "linha 1\n";

/** Routes, each made fresh for `tenant` (the owner of what the route names). */
const ROUTES: { route: string; write: boolean; make: (tenant: Tenant) => Promise<Route> }[] = [
  {
    route: "GET /files",
    write: false,
    make: async (tenant) => {
      const person = await aPerson(tenant);
      return { method: "GET", path: `${FILES}?recordType=person&recordId=${person.id}` };
    },
  },
  {
    route: "POST /files",
    write: true,
    make: async (tenant) => {
      const person = await aPerson(tenant);
      const body = {
        recordType: "person",
        recordId: person.id,
        name: "a.txt",
        contentType: "text/plain",
        size: 8,
      };
      return { method: "POST", path: FILES, body };
    },
  },
  {
    route: "PUT /files/:id/content",
    write: true,
    make: async (tenant) => {
      const person = await aPerson(tenant);
      const { data } = await announce(tenant, {
        recordId: person.id,
        name: "a.txt",
        contentType: "text/plain",
        content: CONTENT,
      });
      return { method: "PUT", path: `${FILES}/${data.id}/content`, body: CONTENT };
    },
  },
  {
    route: "POST /files/:id/complete",
    write: true,
    make: async (tenant) => {
      const file = await uploadedNotCompleted(tenant);
      return { method: "POST", path: `${FILES}/${file.id}/complete` };
    },
  },
  {
    route: "GET /files/:id/download",
    write: false,
    make: async (tenant) => {
      const file = await readyFile(tenant);
      return { method: "GET", path: `${FILES}/${file.id}/download` };
    },
  },
  {
    route: "DELETE /files/:id",
    write: true,
    make: async (tenant) => {
      const file = await readyFile(tenant);
      return { method: "DELETE", path: `${FILES}/${file.id}` };
    },
  },
];

describe("files routes", () => {
  it.each(ROUTES)("$route refuses every request without a valid session", async ({ make }) => {
    const tenant = await newTenant("Files");

    await expectRouteRefusesWithoutValidSession(await make(tenant), tenant);
  });

  it.each(ROUTES.filter((r) => r.write))(
    "$route refuses cross-site requests and requests without the CSRF token",
    async ({ make }) => {
      const tenant = await newTenant("Files");

      await expectRouteRefusesCrossSite(await make(tenant), tenant);
    },
  );

  it.each(ROUTES)("$route needs its role", async ({ make, write }) => {
    const minimum = write ? minRoleFor("crm.write") : minRoleFor("crm.read");

    // The owner makes what each caller's request names, so a refused role uses nothing up.
    await expectRouteRequiresRole(
      async (team: Team, caller: Role) =>
        make(isAtLeast(caller, minRoleFor("crm.write")) ? team[caller] : team.owner),
      minimum,
    );
  });
});

async function uploadedNotCompleted(tenant: Tenant): Promise<{ id: string }> {
  const person = await aPerson(tenant);
  const { data, upload } = await announce(tenant, {
    recordId: person.id,
    name: "a.txt",
    contentType: "text/plain",
    content: CONTENT,
  });
  await tenant.call(upload.url, { method: "PUT", body: CONTENT, headers: upload.headers });
  return data;
}

async function readyFile(tenant: Tenant): Promise<{ id: string }> {
  const person = await aPerson(tenant);
  return attached(tenant, {
    recordId: person.id,
    name: "a.txt",
    contentType: "text/plain",
    content: CONTENT,
  });
}
