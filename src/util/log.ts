import { createConsola, type ConsolaInstance } from "consola";

export type Logger = ConsolaInstance;

const LEVELS: Record<string, number> = { silent: -999, error: 0, warn: 1, info: 3, debug: 4, trace: 5 };

const SECRET_PATTERNS: RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /AIza[0-9A-Za-z_-]{20,}/g,
  /ya29\.[0-9A-Za-z_.-]{10,}/g,
  /\b(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,})/g,
  /((?:bearer|x-api-key|api[_-]?key|access_token|refresh_token|code_verifier|client_secret|token)["']?\s*[:=]\s*["']?)([^\s"',&]{6,})/gi,
];

/** Masks anything that looks like a credential. Applied to every log line. */
export function redact(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    out = out.replace(re, (match, prefix?: string) =>
      typeof prefix === "string" && prefix !== match && match.startsWith(prefix) ? `${prefix}[redacted]` : "[redacted]",
    );
  }
  return out;
}

function redactArg(arg: unknown): unknown {
  if (typeof arg === "string") return redact(arg);
  if (arg instanceof Error) {
    const copy = new Error(redact(arg.message));
    copy.name = arg.name;
    return copy;
  }
  if (arg && typeof arg === "object") {
    try {
      return JSON.parse(redact(JSON.stringify(arg)));
    } catch {
      return arg;
    }
  }
  return arg;
}

export function levelNumber(level: string): number {
  return LEVELS[level.toLowerCase()] ?? LEVELS.info!;
}

export interface LoggerOptions {
  level?: string;
  /** Plain output (no colours, no fancy box); set when stdout is not a TTY or NO_COLOR is set. */
  plain?: boolean;
  stream?: { write(s: string): unknown };
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const options: NonNullable<Parameters<typeof createConsola>[0]> = {
    level: levelNumber(opts.level ?? "info"),
    fancy: !opts.plain,
    formatOptions: { colors: !opts.plain, date: false },
  };
  if (opts.stream) options.stdout = options.stderr = opts.stream as NodeJS.WriteStream;
  const logger = createConsola(options);
  logger.setReporters(
    logger.options.reporters.map((r) => ({
      log: (obj, ctx) => r.log({ ...obj, args: obj.args.map(redactArg) }, ctx),
    })),
  );
  return logger;
}

/** A logger that drops everything; for tests and library use. */
export function silentLogger(): Logger {
  return createConsola({ level: -999 });
}
