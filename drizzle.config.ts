import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./drizzle/schema.ts",
  out: "./migrations",
  // Roles are created by scripts/migrate.ts, not by generated migrations.
  entities: { roles: false },
});
