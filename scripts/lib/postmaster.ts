/** What `postmaster.pid` in a data folder says about a Postgres serving it right now. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The live server of `dir` (its pid and port), or undefined when none is running. */
export function runningPostgres(dir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(dir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // a stale file left by a crash
  }
  return { pid, port };
}
