import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Keeps wrangler and miniflare offline and quick (see README, "Working offline").
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_HIDE_BANNER = "true";

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    // One JSON line per request would drown the report; warnings and errors still show.
    onConsoleLog: (log) => !log.includes('"level":"info"'),
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
                // "test-only-totp-key-0123456789abc": 32 bytes, as AES-256 needs.
                TOTP_ENCRYPTION_KEY: "dGVzdC1vbmx5LXRvdHAta2V5LTAxMjM0NTY3ODlhYmM=",
                DEV_OUTBOX: "on",
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
