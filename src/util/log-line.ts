import { formatWithOptions } from "node:util";
import type { LogObject } from "consola";

/** Where formatted lines go: one stream for everything, or stdout with errors and warnings on stderr. */
export interface LineSink {
  write(line: string, level: number): void;
}

const LABELS: Record<string, string> = {
  fatal: "ERROR",
  error: "ERROR",
  fail: "ERROR",
  warn: "WARN",
  debug: "DEBUG",
  trace: "TRACE",
  verbose: "TRACE",
};

const COLORS: Record<string, number> = { ERROR: 31, WARN: 33, INFO: 36, DEBUG: 90, TRACE: 90 };

function label(type: string): string {
  return LABELS[type] ?? "INFO";
}

function formatArg(arg: unknown): unknown {
  return arg instanceof Error ? `${arg.name === "Error" ? "" : `${arg.name}: `}${arg.message}` : arg;
}

export interface LineFormat {
  timestamps: boolean;
  colors: boolean;
}

/**
 * One log line: `2026-12-06T02:10:37.123Z INFO  message`. Lines after the first of a multi-line
 * message are indented, so every line that starts at column 0 starts with a timestamp.
 */
export function formatLine(obj: Pick<LogObject, "type" | "args" | "date" | "tag">, format: LineFormat): string {
  const level = label(obj.type);
  const text = formatWithOptions({ colors: false, breakLength: Infinity }, ...obj.args.map(formatArg));
  const [first = "", ...rest] = text.split("\n");
  const tag = obj.tag ? `[${obj.tag}] ` : "";
  const shownLevel = format.colors ? `\x1b[${COLORS[level]}m${level.padEnd(5)}\x1b[0m` : level.padEnd(5);
  const stamp = format.timestamps ? obj.date.toISOString() : "";
  const head = [format.colors && stamp ? `\x1b[90m${stamp}\x1b[0m` : stamp, shownLevel, `${tag}${first}`]
    .filter(Boolean)
    .join(" ");
  return [head, ...rest.map((line) => (line ? `  ${line}` : ""))].join("\n");
}

/** The one reporter: every line formatted by `formatLine` and handed to `sink`. */
export function lineReporter(sink: LineSink, format: LineFormat) {
  return {
    log(obj: LogObject) {
      sink.write(`${formatLine(obj, format)}\n`, obj.level);
    },
  };
}
