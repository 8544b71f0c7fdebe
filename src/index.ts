/**
 * The Worker's entry: middleware in order, then every router the API mounts, and the scheduled
 * handler of the cron triggers.
 */
import { Hono } from "hono";
import { csrfProtection } from "./access/csrf.ts";
import { rules } from "./access/rate-limit.rules.ts";
import { rateLimit } from "./access/rate-limit.ts";
import { readSession } from "./access/session.ts";
import { auditRoutes } from "./audit/audit.routes.ts";
import { authRoutes } from "./auth/auth.routes.ts";
import { companyRoutes } from "./companies/companies.routes.ts";
import { customFieldRoutes } from "./custom-fields/custom-fields.routes.ts";
import { dealRoutes } from "./deals/deals.routes.ts";
import { devOutboxRoutes } from "./email/dev-outbox.ts";
import type { AppEnv, Bindings } from "./env.ts";
import { fileRoutes } from "./files/files.routes.ts";
import { healthRoutes } from "./health/health.routes.ts";
import { limitBody } from "./http/body-limit.ts";
import { handleError } from "./http/error-handler.ts";
import { requestContext } from "./http/request-context.ts";
import { requireSecrets } from "./http/required-secrets.ts";
import { noStore, securityHeaders } from "./http/security-headers.ts";
import { scheduled } from "./jobs/scheduled.ts";
import { AppError } from "./lib/errors.ts";
import { invitationRoutes } from "./members/invitations.routes.ts";
import { memberRoutes } from "./members/members.routes.ts";
import { monitoring } from "./monitoring/sentry.ts";
import { noteRoutes } from "./notes/notes.routes.ts";
import { organisationRoutes } from "./organisation/organisation.routes.ts";
import { peopleRoutes } from "./people/people.routes.ts";
import { pipelineRoutes } from "./pipelines/pipelines.routes.ts";
import { searchRoutes } from "./search/search.routes.ts";
import { tagRoutes } from "./tags/tags.routes.ts";
import { taskRoutes } from "./tasks/tasks.routes.ts";
import { trashRoutes } from "./trash/trash.routes.ts";
import { twoFactorRoutes } from "./two-factor/two-factor.routes.ts";

/** The HTTP app; tests that pass their own bindings call `app.fetch(request, env, ctx)`. */
export const app = new Hono<AppEnv>();

app.use(requestContext);
app.use(monitoring);
app.use(securityHeaders);
app.use(requireSecrets);
app.use("/api/*", limitBody);
app.use("/api/*", noStore);
app.use("/api/*", readSession);
app.use("/api/*", csrfProtection);
app.onError(handleError);
app.notFound((c) => handleError(new AppError("NOT_FOUND"), c));

// Per-IP and per-account limits of the flows anyone can call (src/access/rate-limit.rules.ts),
// before any router, so a path is limited even before its route lands.
app.use("/api/v1/auth/login", rateLimit(rules.login));
app.use("/api/v1/auth/register", rateLimit(rules.register));
app.use("/api/v1/auth/password-reset", rateLimit(rules.passwordReset));
app.use("/api/v1/auth/password-reset/confirm", rateLimit(rules.passwordResetConfirm));
app.use("/api/v1/auth/2fa/verify", rateLimit(rules.twoFactorVerify));
app.use("/api/v1/invitations/accept", rateLimit(rules.invitationAccept));
app.use("/api/v1/auth/password", rateLimit(rules.passwordChange));

app.route("/health", healthRoutes);
app.route("/api/v1/auth", authRoutes);
app.route("/api/v1/auth/2fa", twoFactorRoutes);
app.route("/api/v1/members", memberRoutes);
app.route("/api/v1/invitations", invitationRoutes);
app.route("/api/v1/organisation", organisationRoutes);
app.route("/api/v1/audit", auditRoutes);
app.route("/api/v1/people", peopleRoutes);
app.route("/api/v1/companies", companyRoutes);
app.route("/api/v1/tags", tagRoutes);
app.route("/api/v1/custom-fields", customFieldRoutes);
app.route("/api/v1/search", searchRoutes);
app.route("/api/v1/trash", trashRoutes);
app.route("/api/v1/pipelines", pipelineRoutes);
app.route("/api/v1/deals", dealRoutes);
app.route("/api/v1/tasks", taskRoutes);
app.route("/api/v1/notes", noteRoutes);
app.route("/api/v1/files", fileRoutes);
app.route("/dev/outbox", devOutboxRoutes);

export { RateLimiter } from "./access/rate-limiter.ts";
export { DevOutbox } from "./email/dev-outbox.ts";
export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Bindings>;
