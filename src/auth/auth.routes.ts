/** Everything under /api/v1/auth: sign-up, login, and the signed-in user's own account. */
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { accountRoutes } from "./account.routes.ts";
import { loginRoutes } from "./login.routes.ts";
import { passwordResetRoutes } from "./password-reset.routes.ts";
import { registerRoutes } from "./register.routes.ts";

export const authRoutes = new Hono<AppEnv>();

authRoutes.route("/", registerRoutes);
authRoutes.route("/", loginRoutes);
authRoutes.route("/", passwordResetRoutes);
authRoutes.route("/", accountRoutes);
