/**
 * One JSON logger per request. Each line carries the request id and, once known, the org id.
 * Fields named like secrets are replaced before anything is written.
 */
export type LogFields = Record<string, unknown>;
export type Logger = {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Adds fields to every later line of this logger (e.g. the org id after authentication). */
  bind(fields: LogFields): void;
};

const SECRET_KEY = /pass(word)?|secret|token|cookie|authorization|connection|dsn|hash|key/i;

export function createLogger(
  base: LogFields,
  write: (line: string) => void = defaultWrite,
): Logger {
  const context: LogFields = { ...base };
  const emit = (level: string, message: string, fields: LogFields = {}) => {
    const line = { time: new Date().toISOString(), level, message, ...context, ...fields };
    write(JSON.stringify(line, redact));
  };
  return {
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    bind: (fields) => Object.assign(context, fields),
  };
}

function redact(key: string, value: unknown): unknown {
  if (key && SECRET_KEY.test(key)) return "[redacted]";
  if (value instanceof Error) {
    return {
      name: value.name,
      message: withoutParams(value.message),
      cause: value.cause,
      stack: value.stack && withoutParams(value.stack),
    };
  }
  return value;
}

function defaultWrite(line: string): void {
  // biome-ignore lint/suspicious/noConsole: -- the logger is the one place that writes to the console
  console.log(line);
}

/**
 * drizzle puts a failed statement's parameters in its error message ("params: ana@x.com,…"):
 * they are user data (emails, names, hashes), so they never reach a log line.
 */
function withoutParams(text: string): string {
  return text.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, "\nparams: [redacted]");
}
