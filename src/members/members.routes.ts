/**
 * Members of the session's organisation: list, change a role, remove (or leave), and hand
 * ownership over. Who may do what comes from the role matrix (src/access/roles.ts); on top of
 * it, only owners touch owners, and the organisation always keeps an owner, which the database
 * checks in the same transaction as the change.
 */
import { and, eq, isNull } from "drizzle-orm";
import { Hono } from "hono";
import { sessions } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { minRoleFor } from "../access/roles.ts";
import { clearSessionCookie, requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import {
  assertOwnerRemains,
  assertStillAtLeast,
  changeRole,
  deleteMembership,
  listMembers,
  lockOrganisation,
  membershipChange,
  toMember,
} from "./members.queries.ts";
import { changeRoleBody, memberIdParam, transferOwnershipBody } from "./members.schema.ts";

export const memberRoutes = new Hono<AppEnv>();
memberRoutes.use(requireSession);

memberRoutes.get("/", async (c) => {
  const [rows] = await asMember(c, minRoleFor("members.read"), (db) => [listMembers({ db })]);

  return c.json({ data: rows.rows.map(toMember) });
});

memberRoutes.patch(
  "/:userId",
  validate("param", memberIdParam),
  validate("json", changeRoleBody),
  async (c) => {
    const { userId: targetId } = c.req.valid("param");
    const { role } = c.req.valid("json");

    const [found] = await asMember(c, minRoleFor("members.manage"), (db) => [
      listMembers({ db, userIds: [targetId] }),
    ]);
    const target = found.rows[0];
    if (!target) throw new AppError("NOT_FOUND");
    if (target.role === role) return c.json({ data: toMember(target) });

    const touchesOwner = target.role === "owner" || role === "owner";
    const needed = minRoleFor(touchesOwner ? "owners.manage" : "members.manage");
    await membershipChange(
      asMember(c, needed, (db, { orgId, userId }) => [
        lockOrganisation({ db, orgId }),
        assertStillAtLeast({ db, orgId, userId, minimum: needed }),
        changeRole({ db, orgId, userId: targetId, from: target.role, to: role }),
        assertOwnerRemains({ db, orgId }),
        auditEntry(db, c, {
          orgId,
          actorUserId: userId,
          action: "member.role_changed",
          targetType: "user",
          targetId,
          summary: { email: target.email, from: target.role, to: role },
        }),
      ]),
    );

    return c.json({ data: toMember({ ...target, role }) });
  },
);

/** Removes a member; a member removing themselves leaves, which any role may do. */
memberRoutes.delete("/:userId", validate("param", memberIdParam), async (c) => {
  const { userId: targetId } = c.req.valid("param");
  const leaving = targetId === c.get("session")?.userId;

  const [found] = await asMember(
    c,
    minRoleFor(leaving ? "membership.leave" : "members.manage"),
    (db) => [listMembers({ db, userIds: [targetId] })],
  );
  const target = found.rows[0];
  if (!target) throw new AppError("NOT_FOUND");

  const needed = minRoleFor(
    leaving ? "membership.leave" : target.role === "owner" ? "owners.manage" : "members.manage",
  );
  await membershipChange(
    asMember(c, needed, (db, { orgId, userId }) => [
      lockOrganisation({ db, orgId }),
      assertStillAtLeast({ db, orgId, userId, minimum: needed }),
      deleteMembership({ db, orgId, userId: targetId, role: target.role }),
      assertOwnerRemains({ db, orgId }),
      // Their sessions in this organisation end now; their sessions elsewhere are not ours.
      db
        .update(sessions)
        .set({ revokedAt: new Date() })
        .where(
          and(eq(sessions.orgId, orgId), eq(sessions.userId, targetId), isNull(sessions.revokedAt)),
        ),
      auditEntry(db, c, {
        orgId,
        actorUserId: userId,
        action: leaving ? "member.left" : "member.removed",
        targetType: "user",
        targetId,
        summary: { email: target.email, role: target.role },
      }),
    ]),
  );

  if (leaving) clearSessionCookie(c);
  return c.body(null, 204);
});

/** The target becomes an owner and the caller, an owner, becomes an admin. */
memberRoutes.post("/transfer-ownership", validate("json", transferOwnershipBody), async (c) => {
  const { userId: targetId } = c.req.valid("json");

  const needed = minRoleFor("ownership.transfer");
  const [found] = await asMember(c, needed, (db) => [listMembers({ db, userIds: [targetId] })]);
  const target = found.rows[0];
  if (!target) throw new AppError("NOT_FOUND");
  if (targetId === c.get("session")?.userId) {
    throw new AppError("VALIDATION_FAILED", {
      details: [{ path: "userId", message: "Choose another member than yourself." }],
    });
  }

  await membershipChange(
    asMember(c, needed, (db, { orgId, userId }) => [
      lockOrganisation({ db, orgId }),
      assertStillAtLeast({ db, orgId, userId, minimum: needed }),
      changeRole({ db, orgId, userId: targetId, from: target.role, to: "owner" }),
      changeRole({ db, orgId, userId, from: "owner", to: "admin" }),
      assertOwnerRemains({ db, orgId }),
      auditEntry(db, c, {
        orgId,
        actorUserId: userId,
        action: "org.ownership_transferred",
        targetType: "user",
        targetId,
        summary: { email: target.email, from: target.role, previousOwnerRole: "admin" },
      }),
    ]),
  );

  return c.json({
    data: { owner: toMember({ ...target, role: "owner" }), yourRole: "admin" },
  });
});
