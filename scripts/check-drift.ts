/**
 * Drift checks run by `npm test`:
 * - generating migrations from drizzle/schema.ts into a copy of migrations/ adds nothing;
 * - worker-configuration.d.ts matches wrangler.toml (`wrangler types --check`). `--env-file
 *   /dev/null` keeps a developer's .dev.vars out of the types, so a fresh clone agrees.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OFFLINE_ENV } from "./lib/local-config.ts";

const bin = (name: string) => join("node_modules", ".bin", name);
const problems: string[] = [];

const copy = mkdtempSync(join(tmpdir(), "gallo-drift-"));
try {
  cpSync("migrations", copy, { recursive: true });
  const before = readdirSync(copy).sort();
  execFileSync(
    bin("drizzle-kit"),
    ["generate", "--dialect", "postgresql", "--schema", "drizzle/schema.ts", "--out", copy],
    { stdio: "pipe" },
  );
  const added = readdirSync(copy).filter((file) => !before.includes(file));
  if (added.length > 0) {
    problems.push(
      `drizzle/schema.ts has changes without a migration (${added.join(", ")}): run npm run db:generate`,
    );
  }
} finally {
  rmSync(copy, { recursive: true, force: true });
}

try {
  execFileSync(bin("wrangler"), ["types", "--check", "--env-file", "/dev/null"], {
    stdio: "pipe",
    env: { ...process.env, ...OFFLINE_ENV },
  });
} catch {
  problems.push("worker-configuration.d.ts is out of date: run npm run types");
}

if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`drift: ${problem}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write("drift: migrations and Worker types match their sources\n");
}
