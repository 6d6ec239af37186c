import { defineCommand } from "citty";
import { resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { relativeExpiry } from "../auth/describe.ts";
import { createFlowRegistry, parseKind } from "../auth/flows/index.ts";
import { LOGIN_TIMEOUT_MS, runLogin } from "../auth/login.ts";
import { OAUTH_KINDS, type OAuthKind, type StoredToken } from "../auth/types.ts";
import { configPath } from "../config/paths.ts";
import { runtime, type LineReader } from "../runtime/index.ts";
import { authContext, type AuthContext } from "./auth-context.ts";
import { GOOGLE_LOGIN_NOTICE, requiredProject } from "../auth/flows/google-project.ts";
import { countdownStatus, PromptInterrupted, terminalLines } from "./terminal-line.ts";

const PROVIDER_TYPE: Record<OAuthKind, string> = {
  anthropic: "anthropic",
  "anthropic-console": "anthropic",
  openai: "openai",
  google: "gemini",
};

function fail(ctx: AuthContext, message: string, code = 1): never {
  ctx.log.error(message);
  return runtime.exit(code);
}

function notSaved(ctx: AuthContext, id: string): string {
  return `nothing was saved: no token "${id}" was written to ${ctx.store.path}`;
}

async function pickKind(ctx: AuthContext, given: string | undefined): Promise<OAuthKind> {
  if (given) {
    const kind = parseKind(given);
    return kind ?? fail(ctx, `Unknown kind "${given}". Choose one of: ${OAUTH_KINDS.join(", ")}.`, 2);
  }
  if (!runtime.isTTY("stdin")) {
    return fail(
      ctx,
      `No terminal for the picker: name the kind, e.g. \`ccmux auth login anthropic --id claude-max\` (kinds: ${OAUTH_KINDS.join(", ")}).`,
      2,
    );
  }
  const flows = createFlowRegistry({ env: {} });
  const choice = await ctx.log.prompt("Which subscription do you want to log in to?", {
    type: "select",
    options: flows.all().map((f) => ({ value: f.kind, label: `${f.kind}  ${f.label}` })),
    cancel: "null",
  });
  return (typeof choice === "string" && parseKind(choice)) || fail(ctx, "Login cancelled before it started.", 130);
}

/** The providers in config.toml that already use token `id` (read as plain TOML: no `$VAR` needs to be set). */
async function providersUsing(path: string, id: string): Promise<string[]> {
  try {
    const text = await runtime.readText(path);
    const doc = text === undefined ? {} : (parseToml(text) as { providers?: Record<string, unknown>[] });
    return (doc.providers ?? []).filter((p) => p.oauth_provider === id).map((p) => String(p.name));
  } catch {
    return [];
  }
}

/** What to do after a login: restart if config.toml already uses the token, else the lines to add. */
export async function nextSteps(token: StoredToken, kind: OAuthKind, config: string): Promise<string[]> {
  const users = await providersUsing(config, token.provider_id);
  if (users.length)
    return [
      `Next: ${config} already uses it (provider ${users.map((u) => `"${u}"`).join(", ")}).`,
      "Run `ccmux serve` (a running ccmux picks the token up on its next request).",
    ];
  return [
    `Next: add this provider to ${config}, name it in a [[models.mappings]], then run \`ccmux config check\`:`,
    "  [[providers]]",
    `  name = "${token.provider_id}"`,
    `  provider_type = "${PROVIDER_TYPE[kind]}"`,
    '  auth_type = "oauth"',
    `  oauth_provider = "${token.provider_id}"`,
    "Or add it to a provider's pool of accounts (see README, Account pools):",
    `  accounts = [{ oauth_provider = "<first id>" }, { oauth_provider = "${token.provider_id}" }]`,
  ];
}

/** At a terminal, pasted codes are read in raw mode under a spinner with the time left; piped, as plain lines. */
function pasteInput(): { openInput?: (deadline: number) => LineReader; out: (line: string) => void } {
  if (!runtime.isTTY("stdin") || !runtime.isTTY("stdout")) return { out: (line) => console.log(line) };
  const write = (text: string) => process.stdout.write(text);
  let reading = false;
  const openInput = (deadline: number) => {
    reading = true;
    return terminalLines(process.stdin, { write, status: () => countdownStatus(deadline, "paste here: ") });
  };
  return { openInput, out: (line) => write(reading ? `\r\x1b[2K${line}\n` : `${line}\n`) };
}

export const loginCommand = defineCommand({
  meta: { name: "login", description: "Log in to a subscription and save its token" },
  args: {
    kind: { type: "positional", required: false, description: `${OAUTH_KINDS.join(" | ")} (a picker when omitted)` },
    id: { type: "string", description: "Token id, referenced by a provider's oauth_provider (default: the kind)" },
    timeout: { type: "string", description: "Seconds to wait for the authorization (default 300)" },
    "no-browser": { type: "boolean", description: "Do not try to open a browser" },
    config: { type: "string", alias: "c", description: "config.toml to check for a provider using the token" },
    project: { type: "string", description: "google: your Google Cloud project (else GOOGLE_CLOUD_PROJECT)" },
  },
  async run({ args }) {
    const ctx = authContext(args.project ? { GOOGLE_CLOUD_PROJECT: args.project } : {});
    const timeoutMs = args.timeout ? Number(args.timeout) * 1000 : LOGIN_TIMEOUT_MS;
    if (!(timeoutMs > 0)) fail(ctx, `--timeout must be a positive number of seconds, got "${args.timeout}"`, 2);
    const kind = await pickKind(ctx, args.kind);
    const id = args.id ?? kind;
    if (kind === "google") {
      console.log(GOOGLE_LOGIN_NOTICE);
      try {
        requiredProject(ctx.env);
      } catch (err) {
        fail(ctx, (err as Error).message);
      }
    }
    const interactive = runtime.isTTY("stdin");
    const stopSigint = runtime.onSignal("SIGINT", () =>
      fail(ctx, `Login cancelled (Ctrl-C); ${notSaved(ctx, id)}.`, 130),
    );
    const paste = pasteInput();
    try {
      await ctx.store.reload();
      const token = await runLogin({
        flow: ctx.flows.get(kind),
        id,
        store: ctx.store,
        fetch: ctx.fetch,
        runtime,
        out: paste.out,
        openInput: paste.openInput,
        log: ctx.log,
        timeoutMs,
        interactive,
        openBrowser: interactive && !args["no-browser"] && !ctx.env.CCMUX_NO_BROWSER,
      });
      stopSigint();
      console.log(
        `Saved "${id}" (${kind}) to ${ctx.store.path}; the access token expires ${relativeExpiry(token.expires_at, Date.now())}.`,
      );
      if (token.project_id) console.log(`Code Assist project: ${token.project_id}`);
      const config = resolve(configPath({ flag: args.config, env: ctx.env }));
      for (const line of await nextSteps(token, kind, config)) console.log(line);
    } catch (err) {
      if (err instanceof PromptInterrupted)
        fail(ctx, `Login cancelled (${err.key === "ctrl-c" ? "Ctrl-C" : "Ctrl-D"}); ${notSaved(ctx, id)}.`, 130);
      fail(ctx, `${err instanceof Error ? err.message : String(err)} (${notSaved(ctx, id)})`);
    }
  },
});
