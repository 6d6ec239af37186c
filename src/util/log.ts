import { createConsola, type ConsolaInstance } from "consola";
import { lineReporter, type LineSink } from "./log-line.ts";

export type Logger = ConsolaInstance;

const LEVELS: Record<string, number> = { silent: -999, error: 0, warn: 1, info: 3, debug: 4, trace: 5 };
export const LOG_LEVELS = Object.keys(LEVELS);

const SECRET_PATTERNS: RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /AIza[0-9A-Za-z_-]{20,}/g,
  /ya29\.[0-9A-Za-z_.-]{10,}/g,
  /\b1\/\/0[0-9A-Za-z_-]{20,}/g,
  /\b(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,})/g,
  /(\b(?:bearer|basic)\s+)([A-Za-z0-9._~+/=-]{8,})/gi,
  /([?&](?:key|code|state)=)([^&\s"'#]{6,})/gi,
];

/** `api_key = value`: masked unless the value is an ordinary word, e.g. "api_key: environment variable X is not set". */
const KEY_VALUE =
  /((?:bearer|x-api-key|api[_-]?key|token|secret|verifier|password|passwd|cookie)["']?\s*[:=]\s*["']?)([^\s"',&]{6,})/gi;
const ORDINARY_WORD = /^[A-Za-z]{1,24}[.:;]?$/;

/** Masks anything that looks like a credential. Applied to every log line. */
export function redact(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    out = out.replace(re, (match, prefix?: string) =>
      typeof prefix === "string" && prefix !== match && match.startsWith(prefix) ? `${prefix}[redacted]` : "[redacted]",
    );
  }
  return out.replace(KEY_VALUE, (match, prefix: string, value: string) =>
    ORDINARY_WORD.test(value) ? match : `${prefix}[redacted]`,
  );
}

/** Masks exact values first (configured keys of any shape), then the patterns. */
function redactText(text: string, known: readonly string[]): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join("[redacted]");
  return redact(out);
}

function redactArg(arg: unknown, known: readonly string[]): unknown {
  if (typeof arg === "string") return redactText(arg, known);
  if (arg instanceof Error) {
    const copy = new Error(redactText(arg.message, known));
    copy.name = arg.name;
    return copy;
  }
  if (arg && typeof arg === "object") {
    try {
      return JSON.parse(redactText(JSON.stringify(arg), known));
    } catch {
      return arg;
    }
  }
  return arg;
}

const KNOWN_SECRETS = Symbol("ccmux.knownSecrets");

interface KnownSecrets {
  source?: () => readonly string[];
}

/**
 * Makes `log` (and loggers derived from it) also mask these exact values, e.g. the configured
 * API keys and stored tokens, whatever their shape. `source` is read on every log line.
 */
export function maskKnownSecrets(log: Logger, source: () => readonly string[]): void {
  const known = (log as unknown as { [KNOWN_SECRETS]?: KnownSecrets })[KNOWN_SECRETS];
  if (known) known.source = source;
}

function currentSecrets(known: KnownSecrets): readonly string[] {
  try {
    return known.source?.() ?? [];
  } catch {
    return [];
  }
}

/** The level's consola number; an unknown level is an error, never silently `info`. */
export function levelNumber(level: string): number {
  const n = LEVELS[level.toLowerCase()];
  if (n === undefined) throw new Error(`unknown log level "${level}" (one of ${LOG_LEVELS.join(", ")})`);
  return n;
}

export interface LoggerOptions {
  level?: string;
  /** No colours; set when stdout is not a TTY or NO_COLOR is set, and for files. */
  plain?: boolean;
  /** Every line goes here (a log file, a test's array); default: stdout, with warnings and errors on stderr. */
  stream?: { write(s: string): unknown };
  /** ISO timestamps at the start of each line (default true); CLI commands talking to a person turn them off. */
  timestamps?: boolean;
}

function sinkFor(opts: LoggerOptions): LineSink {
  const stream = opts.stream;
  if (stream) return { write: (line) => void stream.write(line) };
  return { write: (line, level) => void (level < 2 ? process.stderr : process.stdout).write(line) };
}

/** The one logger factory: redaction of secrets, then one line format (timestamp, level, message). */
export function createLogger(opts: LoggerOptions = {}): Logger {
  // throttle 0: consola would otherwise fold repeated identical lines into one "(repeated N times)".
  const logger = createConsola({ level: levelNumber(opts.level ?? "info"), throttle: 0 });
  const known: KnownSecrets = {};
  const reporter = lineReporter(sinkFor(opts), { timestamps: opts.timestamps !== false, colors: !opts.plain });
  logger.setReporters([
    {
      log: (obj) => {
        const secrets = currentSecrets(known);
        reporter.log({ ...obj, args: obj.args.map((arg) => redactArg(arg, secrets)) });
      },
    },
  ]);
  Object.assign(logger, { [KNOWN_SECRETS]: known });
  return logger;
}

/** A logger that drops everything; for tests and library use. */
export function silentLogger(): Logger {
  return createConsola({ level: -999 });
}
