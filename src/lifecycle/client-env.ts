import type { ServerTarget } from "./target.ts";

export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
export type Shell = (typeof SHELLS)[number];

/**
 * Sent as Claude Code's credential when ccmux needs none: with ANTHROPIC_AUTH_TOKEN set, Claude Code
 * starts without asking for /login, and every provider uses its own key or token.
 */
export const PLACEHOLDER_TOKEN = "ccmux-no-client-key-needed";

const LOOPBACK = ["127.0.0.1", "localhost", "::1"];

/** NO_PROXY with the loopback names (and ccmux's host) added, so a corporate proxy never sees ccmux traffic. */
function noProxy(url: string, existing: string | undefined): string {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  const names = (existing ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of [...LOOPBACK, host]) if (!names.includes(name)) names.push(name);
  return names.join(",");
}

/**
 * What Claude Code needs to talk to this ccmux. The server key when there is one; else a placeholder,
 * unless a provider passes the client's own credentials through (then Claude Code's login or
 * ANTHROPIC_API_KEY must reach the upstream, and a placeholder would replace them).
 */
export function clientEnv(
  target: Pick<ServerTarget, "url" | "apiKey" | "passthrough">,
  env: Record<string, string | undefined> = {},
): Record<string, string> {
  const vars: Record<string, string> = { ANTHROPIC_BASE_URL: target.url };
  if (target.apiKey) vars.ANTHROPIC_AUTH_TOKEN = target.apiKey;
  else if (!target.passthrough) vars.ANTHROPIC_AUTH_TOKEN = PLACEHOLDER_TOKEN;
  vars.NO_PROXY = noProxy(target.url, env.NO_PROXY ?? env.no_proxy);
  return vars;
}

/** Said once on stderr when Claude Code's own credentials are what reaches the upstream. */
export function passthroughNote(
  target: Pick<ServerTarget, "apiKey" | "passthrough">,
  env: Record<string, string | undefined>,
): string | undefined {
  if (target.apiKey || !target.passthrough || env.ANTHROPIC_API_KEY || env.ANTHROPIC_AUTH_TOKEN) return undefined;
  return 'note: this config passes Claude Code\'s own credentials through (auth_type = "passthrough"): Claude Code uses its own login, or set ANTHROPIC_API_KEY';
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
