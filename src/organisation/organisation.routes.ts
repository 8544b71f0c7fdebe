/** The organisation's own settings, changed by its owners and admins. */
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { organisations } from "../../drizzle/schema.ts";
import { auditEntry } from "../access/audit.ts";
import { minRoleFor } from "../access/roles.ts";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { AppError } from "../lib/errors.ts";
import { settingsBody } from "./organisation.schema.ts";

export const organisationRoutes = new Hono<AppEnv>();

const settingsColumns = {
  name: organisations.name,
  requireTwoFactor: organisations.require2fa,
  region: organisations.region,
  locale: organisations.locale,
  timezone: organisations.timezone,
};

organisationRoutes.get("/settings", requireSession, async (c) => {
  const [rows] = await asMember(c, "viewer", (db, { orgId }) => [
    db.select(settingsColumns).from(organisations).where(eq(organisations.id, orgId)),
  ]);

  const settings = rows[0];
  if (!settings) throw new AppError("NOT_FOUND");
  return c.json(settings);
});

/**
 * `requireTwoFactor`: when on, owners and admins without 2FA can do nothing but enrol (gallo_begin
 * refuses everything else with 428 TWO_FACTOR_REQUIRED). `region`, `locale` and `timezone` decide
 * how phones and tax ids are read, the language of what the organisation owns, and "today".
 */
organisationRoutes.patch("/settings", requireSession, validate("json", settingsBody), async (c) => {
  const body = c.req.valid("json");
  const { requireTwoFactor, ...rest } = body;

  const [updated] = await asMember(
    c,
    minRoleFor("organisation.settings"),
    (db, { orgId, userId }) => [
      db
        .update(organisations)
        .set({
          ...rest,
          ...(requireTwoFactor === undefined ? {} : { require2fa: requireTwoFactor }),
        })
        .where(eq(organisations.id, orgId))
        .returning(settingsColumns),
      auditEntry(db, c, {
        orgId,
        actorUserId: userId,
        action: "org.settings_changed",
        targetType: "organisation",
        targetId: orgId,
        summary: body,
      }),
    ],
  );

  const settings = updated[0];
  if (!settings) throw new AppError("NOT_FOUND");
  return c.json(settings);
});
