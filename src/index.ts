/**
 * The Worker's entry: middleware in order, then every router the API mounts.
 */
import { Hono } from "hono";
import { readSession } from "./access/session.ts";
import { authRoutes } from "./auth/auth.routes.ts";
import { contactRoutes } from "./contacts/contacts.routes.ts";
import type { AppEnv } from "./env.ts";
import { healthRoutes } from "./health/health.routes.ts";
import { handleError } from "./http/error-handler.ts";
import { requestContext } from "./http/request-context.ts";
import { AppError } from "./lib/errors.ts";

const app = new Hono<AppEnv>();

app.use(requestContext);
app.use("/api/*", readSession);
app.onError(handleError);
app.notFound((c) => handleError(new AppError("NOT_FOUND"), c));

app.route("/health", healthRoutes);
app.route("/api/v1/auth", authRoutes);
app.route("/api/v1/contacts", contactRoutes);

export default app;
