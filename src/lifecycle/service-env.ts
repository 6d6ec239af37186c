import type { Env } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";

const ASSIGNMENT = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0] ? v.slice(1, -1) : v;
}

/** The `NAME=value` lines of the service's environment file (systemd EnvironmentFile / sourced by sh); comments skipped. */
export function parseServiceEnv(text: string): Env {
  const env: Env = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = ASSIGNMENT.exec(raw.trim());
    if (m) env[m[1]!] = unquote(m[2]!);
  }
  return env;
}

/** The file's variables; undefined when there is no such file. */
export async function readServiceEnv(path: string): Promise<Env | undefined> {
  const text = await runtime.readText(path);
  return text === undefined ? undefined : parseServiceEnv(text);
}

/** A new environment file: each name commented out, for the user to fill in. */
export function serviceEnvTemplate(names: readonly string[], configPath: string): string {
  const head = [
    `# Environment of the ccmux service: the $VARs ${configPath} references.`,
    "# One NAME=value a line; remove the leading # and fill in the value. Keep this file mode 0600.",
  ];
  return `${[...head, ...names.map((n) => `# ${n}=`)].join("\n")}\n`;
}
