/**
 * gallo_org_members(), the SECURITY DEFINER door to other users' emails, called as the runtime
 * role below the API: it answers only a member of the claimed organisation, and only about it.
 */
import { describe, expect, inject, it } from "vitest";
import { newTenant } from "../support/api.ts";
import { connect } from "../support/db.ts";
import { newTeam } from "../support/team.ts";

const runtime = () => connect(inject("databaseUrl"));

async function membersWith(claims: { orgId: string; userId: string }) {
  const sql = runtime();
  const [, result] = await sql.transaction([
    sql.query("select set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)", [
      claims.orgId,
      claims.userId,
    ]),
    sql.query("select user_id, email, role from gallo_org_members()"),
  ]);
  return result?.rows ?? [];
}

describe("gallo_org_members()", () => {
  it("lists the claimed organisation's members to one of its members", async () => {
    const team = await newTeam();

    const rows = await membersWith({ orgId: team.owner.orgId, userId: team.viewer.userId });

    expect(rows.map((r) => r.email).sort()).toEqual(
      [team.owner, team.admin, team.member, team.viewer].map((t) => t.email).sort(),
    );
  });

  it.each([
    { claim: "an organisation the user does not belong to", stranger: true },
    { claim: "no user at all", stranger: false },
  ])("answers nothing for $claim", async ({ stranger }) => {
    const team = await newTeam();
    const outsider = await newTenant("Outsider");

    const rows = await membersWith({
      orgId: team.owner.orgId,
      userId: stranger ? outsider.userId : "",
    });

    expect(rows).toEqual([]);
  });

  it("answers nothing without claims", async () => {
    const { rows } = await runtime().query("select * from gallo_org_members()");

    expect(rows).toEqual([]);
  });
});
