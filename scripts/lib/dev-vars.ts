/** Creates `.dev.vars` (git-ignored local secrets) with random values on first use, and reads it. */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const FILE = ".dev.vars";

export function ensureDevVars(): Record<string, string> {
  if (!existsSync(FILE)) {
    const secret = () => randomBytes(32).toString("base64");
    writeFileSync(
      FILE,
      [
        "# Local secrets made by `npm run dev` on first run. Git-ignored; never commit.",
        `JWT_SECRET=${secret()}`,
        `PASSWORD_PEPPER=${secret()}`,
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
  }
  const vars: Record<string, string> = {};
  for (const line of readFileSync(FILE, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (match?.[1]) vars[match[1]] = match[2] ?? "";
  }
  return vars;
}
