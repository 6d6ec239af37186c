import { ConfigError } from "../util/errors.ts";
import { findPosition, pathToString, type PathSegment, type SourcePosition } from "./key-locations.ts";

export interface ConfigProblem {
  message: string;
  keyPath?: string;
  line?: number;
  column?: number;
}

/** A problem or warning found while loading, before it is placed in the source. */
export interface Finding {
  path: PathSegment[];
  message: string;
  /** False when `message` already names the key (e.g. "unknown key x.y"). */
  showPath?: boolean;
}

/** `config.toml:12:5: router.default: expected string, got number` */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.line === undefined ? file : `${file}:${problem.line}:${problem.column ?? 1}`;
  const key = problem.keyPath ? `${problem.keyPath}: ` : "";
  return `${where}: ${key}${problem.message}`;
}

export class ConfigFileError extends ConfigError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
    /** The offending lines with a caret, for TOML syntax errors. */
    readonly excerpt?: string,
  ) {
    super(summarize(file, problems, excerpt));
  }
}

function summarize(file: string, problems: ConfigProblem[], excerpt?: string): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  const lines = problems.map((p) => `  ${formatProblem(file, p)}`);
  const tail = excerpt ? `\n\n${excerpt.trimEnd()}` : "";
  return `invalid config (${count}):\n${lines.join("\n")}${tail}`;
}

/** Places findings in the source text (best effort) and turns them into problems. */
export function toProblems(findings: Finding[], found: Map<string, SourcePosition>): ConfigProblem[] {
  const problems = findings.map((f): ConfigProblem => {
    const pos = findPosition(found, f.path);
    const keyPath = f.showPath === false || f.path.length === 0 ? undefined : pathToString(f.path);
    return { message: f.message, keyPath, line: pos?.line, column: pos?.column };
  });
  return problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

export function formatWarnings(file: string, findings: Finding[], found: Map<string, SourcePosition>): string[] {
  return toProblems(findings, found).map((p) => formatProblem(file, p));
}

/** How a value reads in a message: its type for type errors, its text otherwise. */
export function typeName(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Date) return "date";
  if (typeof value === "object" && value !== null) return "table";
  return typeof value;
}

export function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeName(value);
}
