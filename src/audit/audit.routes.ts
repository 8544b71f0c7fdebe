/**
 * The audit viewer: the organisation's log newest first with filters, its CSV export (itself
 * audited), and the verification of its hash chain. Owners and admins only (`audit.read`).
 */
import { Hono } from "hono";
import { auditEntry } from "../access/audit.ts";
import { minRoleFor } from "../access/roles.ts";
import { requireSession } from "../access/session.ts";
import { asMember } from "../db/tenant.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../http/validate.ts";
import { auditCsv } from "./audit.csv.ts";
import { auditChainExtent, listAuditEntries, verifyAuditChain } from "./audit.queries.ts";
import { auditFilterQuery, listAuditQuery } from "./audit.schema.ts";

/** The most entries one export holds; past it the newest are sent and a header says so. */
export const EXPORT_LIMIT = 10_000;

export const auditRoutes = new Hono<AppEnv>();
auditRoutes.use(requireSession);

auditRoutes.get("/", validate("query", listAuditQuery), async (c) => {
  const { limit, cursor, ...filter } = c.req.valid("query");

  const [rows] = await asMember(c, minRoleFor("audit.read"), (db, { orgId }) => [
    listAuditEntries({ db, orgId, filter, limit, cursor }),
  ]);

  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? String(last.seq) : null;
  return c.json({ data: page, nextCursor });
});

auditRoutes.get("/export.csv", validate("query", auditFilterQuery), async (c) => {
  const filter = c.req.valid("query");

  // The entry is written in the same transaction as the read: no export leaves unrecorded.
  const [rows] = await asMember(c, minRoleFor("audit.read"), (db, { orgId, userId }) => [
    listAuditEntries({ db, orgId, filter, limit: EXPORT_LIMIT }),
    auditEntry(db, c, {
      orgId,
      actorUserId: userId,
      action: "audit.exported",
      summary: { format: "csv", filters: filter },
    }),
  ]);

  const day = new Date().toISOString().slice(0, 10);
  c.header("Content-Type", "text/csv; charset=utf-8");
  c.header("Content-Disposition", `attachment; filename="audit-log-${day}.csv"`);
  if (rows.length > EXPORT_LIMIT) c.header("X-Export-Truncated", String(EXPORT_LIMIT));
  return c.body(auditCsv(rows.slice(0, EXPORT_LIMIT)));
});

auditRoutes.get("/verify", async (c) => {
  const [verdict, extent] = await asMember(c, minRoleFor("audit.read"), (db, { orgId }) => [
    verifyAuditChain({ db }),
    auditChainExtent({ db, orgId }),
  ]);

  const broken = verdict.rows[0]?.broken ?? null;
  const chain = extent[0];
  return c.json({
    data: {
      intact: broken === null,
      firstBrokenSeq: broken === null ? null : Number(broken),
      entries: chain?.entries ?? 0,
      firstSeq: chain?.firstSeq ? Number(chain.firstSeq) : null,
      lastSeq: chain?.lastSeq ? Number(chain.lastSeq) : null,
    },
  });
});
