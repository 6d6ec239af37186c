import type { ServerTarget } from "./target.ts";

export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
export type Shell = (typeof SHELLS)[number];

/** What Claude Code needs to talk to this ccmux. */
export function clientEnv(target: Pick<ServerTarget, "url" | "apiKey">): Record<string, string> {
  const vars: Record<string, string> = { ANTHROPIC_BASE_URL: target.url };
  if (target.apiKey) vars.ANTHROPIC_AUTH_TOKEN = target.apiKey;
  return vars;
}

const posixQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
const fishQuote = (value: string) => `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
const powershellQuote = (value: string) => `'${value.replaceAll("'", "''")}'`;

export function renderExports(vars: Record<string, string>, shell: Shell): string {
  const lines = Object.entries(vars).map(([name, value]) => {
    if (shell === "fish") return `set -gx ${name} ${fishQuote(value)}`;
    if (shell === "powershell") return `$env:${name} = ${powershellQuote(value)}`;
    return `export ${name}=${posixQuote(value)}`;
  });
  return `${lines.join("\n")}\n`;
}

/** The user's shell from $SHELL (PowerShell on Windows), bash when unknown. */
export function defaultShell(env: Record<string, string | undefined>, platform: string): Shell {
  const name = (env.SHELL ?? "").split("/").pop() ?? "";
  if ((SHELLS as readonly string[]).includes(name)) return name as Shell;
  return platform === "win32" ? "powershell" : "bash";
}

export function parseShell(raw: string): Shell | undefined {
  const name = raw.toLowerCase() === "pwsh" ? "powershell" : raw.toLowerCase();
  return (SHELLS as readonly string[]).includes(name) ? (name as Shell) : undefined;
}
