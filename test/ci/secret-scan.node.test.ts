/**
 * The secret scan of `npm run check` (secretlint with the repository's .secretlintrc.json): it
 * catches a key planted in a file, and it passes on the repository as it is. The planted token is
 * built at run time so that this file itself holds none.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const SECRETLINT = resolve("node_modules/.bin/secretlint");
const CONFIG = resolve(".secretlintrc.json");

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the secret scan", () => {
  it.each([
    { kind: "GitHub personal access token", secret: () => `ghp_${randomAlphanumeric(36)}` },
    { kind: "GitHub fine-grained token", secret: () => `github_pat_${randomAlphanumeric(82)}` },
    { kind: "npm access token", secret: () => `npm_${randomAlphanumeric(36)}` },
  ])("fails on a planted $kind, and masks it in its report", async ({ secret }) => {
    const value = secret();
    const file = plant(`// config left behind by mistake\nexport const token = "${value}";\n`);

    const result = await scan(file);

    expect(result.code).toBe(1);
    expect(result.output).toContain(file);
    expect(result.output).not.toContain(value);
  });

  it("passes on the repository as it is", async () => {
    const result = await scan("**/*");

    expect(result).toEqual({ code: 0, output: "" });
  });
});

/** Writes `content` to a file in a new temporary folder; answers its path. */
function plant(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "gallo-secret-scan-"));
  dirs.push(dir);
  const file = join(dir, "leaked.ts");
  writeFileSync(file, content);
  return file;
}

async function scan(pattern: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(
      SECRETLINT,
      ["--secretlintrc", CONFIG, "--maskSecrets", pattern],
      { env: { ...process.env, NO_COLOR: "1" } },
    );
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: `${failed.stdout}${failed.stderr}` };
  }
}

function randomAlphanumeric(length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}
