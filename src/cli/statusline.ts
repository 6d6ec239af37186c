// `ccmux statusline`: runs on every refresh of Claude Code's status bar, so it imports nothing:
// main.ts loads this file alone, before the command tree.
import { fstatSync, readFileSync } from "node:fs";

/**
 * Past this, the line is left empty rather than holding up Claude Code's status bar (a stopped
 * ccmux refuses the connection at once; this bounds a hung or overloaded one).
 * CCMUX_STATUSLINE_TIMEOUT_MS overrides it.
 */
const TIMEOUT_MS = 1000;

function timeoutMs(env: Record<string, string | undefined>): number {
  const set = Number(env.CCMUX_STATUSLINE_TIMEOUT_MS);
  return Number.isFinite(set) && set > 0 ? set : TIMEOUT_MS;
}

/**
 * Claude Code writes its JSON and closes stdin; a synchronous read is ~25 ms quicker than a stream.
 * A terminal (run by hand) is a character device and is not read. `fstat`, not `process.stdin.isTTY`
 * or `node:tty`: touching `process.stdin` sets up Node's streams, ~25 ms of CPU in the compiled binary.
 */
function readStdin(): string {
  try {
    if (fstatSync(0).isCharacterDevice()) return "";
    return readFileSync(0, "utf8");
  } catch {
    return "";
  }
}

/** Claude Code's `session_id` from the JSON it pipes in; none for anything else. */
export function sessionOf(input: string): string | undefined {
  try {
    const id = (JSON.parse(input) as { session_id?: unknown } | null)?.session_id;
    return typeof id === "string" && id !== "" ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The ccmux this Claude Code talks to: ANTHROPIC_BASE_URL, as `ccmux env` and `ccmux code` set
 * it. ccmux serves plain HTTP, so an https URL (Anthropic itself, a gateway) is not one.
 */
export function ccmuxUrl(env: Record<string, string | undefined>): string | undefined {
  const base = env.ANTHROPIC_BASE_URL?.trim();
  if (!base || !/^http:\/\//i.test(base)) return undefined;
  return base.replace(/\/+$/, "");
}

/** The client's credentials for ccmux, sent as Claude Code sends them. */
function authHeaders(env: Record<string, string | undefined>): Record<string, string> {
  if (env.ANTHROPIC_AUTH_TOKEN) return { authorization: `Bearer ${env.ANTHROPIC_AUTH_TOKEN}` };
  if (env.ANTHROPIC_API_KEY) return { "x-api-key": env.ANTHROPIC_API_KEY };
  return {};
}

/** The line to print; empty when no ccmux answers (not running, not this session's router, refused). */
export async function statusline(input: string, env: Record<string, string | undefined>): Promise<string> {
  const url = ccmuxUrl(env);
  if (!url) return "";
  const session = sessionOf(input);
  const query = session ? `?session=${encodeURIComponent(session)}` : "";
  try {
    const res = await fetch(`${url}/v1/ccmux/statusline${query}`, {
      headers: authHeaders(env),
      signal: AbortSignal.timeout(timeoutMs(env)),
    });
    if (!res.ok) return "";
    const body = (await res.json()) as { line?: unknown };
    return typeof body.line === "string" ? body.line.replace(/[\r\n]+/g, " ") : "";
  } catch {
    return "";
  }
}

export async function runStatusline(): Promise<void> {
  const line = await statusline(readStdin(), globalThis.process?.env ?? {});
  if (line) console.log(line);
}
