/** The organisation's own settings, changed by its owners and admins. */
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { organisations } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { settingsBody } from "./organisation.schema.ts";

export const organisationRoutes = new Hono<AppEnv>();

/**
 * `requireTwoFactor`: when on, owners and admins without 2FA can do nothing but enrol (gallo_begin
 * refuses everything else with 428 TWO_FACTOR_REQUIRED).
 */
organisationRoutes.patch("/settings", requireSession, validate("json", settingsBody), async (c) => {
  const { requireTwoFactor } = c.req.valid("json");

  const [updated] = await asMember(c, "admin", (db, { orgId, userId }) => [
    db
      .update(organisations)
      .set({ require2fa: requireTwoFactor })
      .where(eq(organisations.id, orgId))
      .returning({ requireTwoFactor: organisations.require2fa }),
    auditEntry(db, c, {
      orgId,
      actorUserId: userId,
      action: "org.settings_changed",
      targetType: "organisation",
      targetId: orgId,
      summary: { requireTwoFactor },
    }),
  ]);

  const settings = updated[0];
  if (!settings) throw new AppError("NOT_FOUND");
  return c.json(settings);
});
