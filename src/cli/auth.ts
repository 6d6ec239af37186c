import { defineCommand } from "citty";
import { join } from "node:path";
import { describeToken, relativeExpiry } from "../auth/describe.ts";
import { createFlowRegistry, parseKind, tokenKind } from "../auth/flows/index.ts";
import { runLogin } from "../auth/login.ts";
import { oauthCredentialSource } from "../auth/refresh.ts";
import { createTokenStore, TOKEN_FILE_NAME } from "../auth/store.ts";
import { OAUTH_KINDS, type OAuthKind, type StoredToken } from "../auth/types.ts";
import { dataDir } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";
import { createLogger, type Logger } from "../util/log.ts";

const configArg = {
  config: { type: "string", description: "Path to config.toml (tokens live in the data dir, not next to it)" },
} as const;

const PROVIDER_TYPE: Record<OAuthKind, string> = {
  anthropic: "anthropic",
  "anthropic-console": "anthropic",
  openai: "openai",
  google: "gemini",
};

function context() {
  const env = runtime.envAll();
  const log = createLogger({
    level: env.CCMUX_LOG_LEVEL ?? "info",
    plain: !runtime.isTTY("stdout") || Boolean(env.NO_COLOR),
  });
  const store = createTokenStore({ path: join(dataDir(env), TOKEN_FILE_NAME), runtime, log });
  const flows = createFlowRegistry({ env, log });
  return { env, log, store, flows, fetch: globalThis.fetch.bind(globalThis) };
}

const say = (line: string) => console.log(line);

function fail(log: Logger, message: string): never {
  log.error(message);
  return runtime.exit(1);
}

async function guarded(log: Logger, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    fail(log, err instanceof Error ? err.message : String(err));
  }
}

async function pickKind(log: Logger, given: string | undefined): Promise<OAuthKind> {
  if (given) {
    const kind = parseKind(given);
    return kind ?? fail(log, `Unknown kind "${given}". Choose one of: ${OAUTH_KINDS.join(", ")}.`);
  }
  if (!runtime.isTTY("stdin")) {
    return fail(
      log,
      `No terminal for the picker: name the kind, e.g. \`ccmux auth login anthropic --id claude-max\` (kinds: ${OAUTH_KINDS.join(", ")}).`,
    );
  }
  const flows = createFlowRegistry({ env: {} });
  const choice = await log.prompt("Which subscription do you want to log in to?", {
    type: "select",
    options: flows.all().map((f) => ({ value: f.kind, label: `${f.kind}  ${f.label}` })),
    cancel: "null",
  });
  return (typeof choice === "string" && parseKind(choice)) || fail(log, "Login cancelled.");
}

function configSnippet(token: StoredToken, kind: OAuthKind): string[] {
  return [
    "Use it in config.toml:",
    "  [[providers]]",
    `  name = "${token.provider_id}"`,
    `  provider_type = "${PROVIDER_TYPE[kind]}"`,
    '  auth_type = "oauth"',
    `  oauth_provider = "${token.provider_id}"`,
    "Or add it to a provider's pool of accounts (see README, Account pools):",
    `  accounts = [{ oauth_provider = "<first id>" }, { oauth_provider = "${token.provider_id}" }]`,
  ];
}

const login = defineCommand({
  meta: { name: "login", description: "Log in to a subscription and save its token" },
  args: {
    kind: { type: "positional", required: false, description: `${OAUTH_KINDS.join(" | ")} (a picker when omitted)` },
    id: { type: "string", description: "Token id, referenced by a provider's oauth_provider (default: the kind)" },
    timeout: { type: "string", description: "Seconds to wait for the authorization (default 300)" },
    "no-browser": { type: "boolean", description: "Do not try to open a browser" },
    ...configArg,
  },
  async run({ args }) {
    const ctx = context();
    const kind = await pickKind(ctx.log, args.kind);
    const id = args.id ?? kind;
    const interactive = runtime.isTTY("stdin");
    const timeoutMs = args.timeout ? Number(args.timeout) * 1000 : undefined;
    if (timeoutMs !== undefined && !(timeoutMs > 0))
      fail(ctx.log, `--timeout must be a positive number of seconds, got "${args.timeout}"`);
    await guarded(ctx.log, async () => {
      await ctx.store.reload();
      const token = await runLogin({
        flow: ctx.flows.get(kind),
        id,
        store: ctx.store,
        fetch: ctx.fetch,
        runtime,
        out: say,
        log: ctx.log,
        timeoutMs,
        interactive,
        openBrowser: interactive && !args["no-browser"] && !ctx.env.CCMUX_NO_BROWSER,
      });
      say(
        `Saved "${id}" (${kind}) to ${ctx.store.path}; the access token expires ${relativeExpiry(token.expires_at, Date.now())}.`,
      );
      if (token.project_id) say(`Code Assist project: ${token.project_id}`);
      for (const line of configSnippet(token, kind)) say(line);
    });
  },
});

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
}

const list = defineCommand({
  meta: { name: "list", description: "List saved tokens (never shows the tokens themselves)" },
  args: { json: { type: "boolean", description: "Print JSON" }, ...configArg },
  async run({ args }) {
    const ctx = context();
    await guarded(ctx.log, async () => {
      await ctx.store.reload();
      const now = Date.now();
      const summaries = ctx.store.list().map((t) => describeToken(t, now));
      if (args.json) return say(JSON.stringify(summaries, null, 2));
      if (!summaries.length) return say(`No tokens in ${ctx.store.path}. Run \`ccmux auth login\`.`);
      const rows = summaries.map((s) => [s.provider_id, s.kind, relativeExpiry(s.expires_at, now), s.status]);
      for (const line of table([["ID", "KIND", "EXPIRES", "STATUS"], ...rows])) say(line);
    });
  },
});

const logout = defineCommand({
  meta: { name: "logout", description: "Delete a saved token" },
  args: { id: { type: "positional", required: true, description: "Token id" }, ...configArg },
  async run({ args }) {
    const ctx = context();
    await guarded(ctx.log, async () => {
      if (!(await ctx.store.delete(args.id))) {
        const known = ctx.store.list().map((t) => t.provider_id);
        fail(
          ctx.log,
          `No token "${args.id}" in ${ctx.store.path}${known.length ? ` (saved: ${known.join(", ")})` : ""}.`,
        );
      }
      say(`Deleted "${args.id}" from ${ctx.store.path}.`);
    });
  },
});

const refresh = defineCommand({
  meta: { name: "refresh", description: "Refresh a saved token now" },
  args: { id: { type: "positional", required: true, description: "Token id" }, ...configArg },
  async run({ args }) {
    const ctx = context();
    await guarded(ctx.log, async () => {
      await ctx.store.reload();
      const token = ctx.store.get(args.id);
      if (!token)
        return fail(
          ctx.log,
          `No token "${args.id}" in ${ctx.store.path}. Run \`ccmux auth login <kind> --id ${args.id}\` first.`,
        );
      const source = oauthCredentialSource({
        store: ctx.store,
        id: args.id,
        flows: ctx.flows,
        fetch: ctx.fetch,
        log: ctx.log,
        defaultKind: tokenKind(token),
      });
      await source.refresh!();
      const fresh = ctx.store.get(args.id) ?? token;
      say(`Refreshed "${args.id}"; the access token expires ${relativeExpiry(fresh.expires_at, Date.now())}.`);
    });
  },
});

export const authCommand = defineCommand({
  meta: {
    name: "auth",
    description: "Log in to subscriptions (Claude Pro/Max, Anthropic Console, ChatGPT, Gemini) and manage tokens",
  },
  subCommands: { login, list, logout, refresh },
});
