/**
 * Creates `.dev.vars` (git-ignored local secrets) with random values on first use, adds any secret
 * a later change introduced to an existing file, and reads it.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

const FILE = ".dev.vars";

/** Every generated secret: 32 random bytes, base64 (TOTP_ENCRYPTION_KEY needs exactly 32). */
const GENERATED = ["JWT_SECRET", "PASSWORD_PEPPER", "TOTP_ENCRYPTION_KEY"] as const;

export function ensureDevVars(): Record<string, string> {
  const secret = () => randomBytes(32).toString("base64");
  if (!existsSync(FILE)) {
    writeFileSync(
      FILE,
      [
        "# Local secrets made by `npm run dev` on first run. Git-ignored; never commit.",
        ...GENERATED.map((name) => `${name}=${secret()}`),
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
  }

  const vars = readVars();
  // A .dev.vars made before a secret existed keeps its values and gains the new one.
  const missing = GENERATED.filter((name) => vars[name] === undefined);
  if (missing.length > 0) {
    const text = readFileSync(FILE, "utf8");
    const lines = missing.map((name) => `${name}=${secret()}`);
    appendFileSync(FILE, `${text.endsWith("\n") || text === "" ? "" : "\n"}${lines.join("\n")}\n`);
    return readVars();
  }
  return vars;
}

function readVars(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(FILE, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (match?.[1]) vars[match[1]] = match[2] ?? "";
  }
  return vars;
}
