import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    projects: [
      {
        extends: true,
        plugins: [
          // A function, so that the URLs provided by globalSetup exist when it runs.
          cloudflareTest(({ inject }) => ({
            main: "./src/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                DATABASE_URL: inject("databaseUrl"),
                NEON_LOCAL_ENDPOINT: inject("neonEndpoint"),
                JWT_SECRET: "test-only-jwt-secret-0123456789abcdef",
                PASSWORD_PEPPER: "test-only-pepper-0123456789abcdef",
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.node.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "node",
          include: ["test/**/*.node.test.ts"],
          environment: "node",
          testTimeout: 30_000,
        },
      },
    ],
  },
});
