/** Starts `scripts/pg-server.ts` as a child process and waits until Postgres accepts connections. */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export type PostgresProcess = { port: number; child: ChildProcess; stop(): Promise<void> };

const SERVER_SCRIPT = fileURLToPath(new URL("../pg-server.ts", import.meta.url));

export async function startPostgres(options: {
  dir: string;
  port: number;
  ephemeral: boolean;
}): Promise<PostgresProcess> {
  const args = [SERVER_SCRIPT, "--dir", options.dir, "--port", String(options.port)];
  if (options.ephemeral) args.push("--ephemeral");
  // stdin stays a pipe: when this process dies, the pipe closes and the server stops itself.
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });

  const ready = await new Promise<{ ready: boolean; reason?: string; log?: string[] }>(
    (resolve, reject) => {
      if (!child.stdout) return reject(new Error("postgres child has no stdout"));
      const lines = createInterface({ input: child.stdout });
      lines.once("line", (line) => resolve(JSON.parse(line)));
      child.once("exit", (code) => reject(new Error(`postgres child exited with ${code}`)));
    },
  );
  if (!ready.ready) {
    const log = (ready.log ?? []).join("").trim();
    throw new Error(`Postgres did not start on port ${options.port}: ${ready.reason}\n${log}`);
  }

  return {
    port: options.port,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
