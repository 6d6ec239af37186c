import { defineCommand } from "citty";
import { describeToken, relativeExpiry } from "../auth/describe.ts";
import { tokenKind } from "../auth/flows/index.ts";
import { oauthCredentialSource } from "../auth/refresh.ts";
import { findImportableConfigs, importHint } from "../config/import/foreign.ts";
import { runtime } from "../runtime/index.ts";
import type { Logger } from "../util/log.ts";
import { table } from "../util/cli.ts";
import { authContext } from "./auth-context.ts";
import { loginCommand } from "./auth-login.ts";

const configArg = {
  config: { type: "string", description: "Path to config.toml (tokens live in the data dir, not next to it)" },
} as const;

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

const list = defineCommand({
  meta: { name: "list", description: "List saved tokens (never shows the tokens themselves)" },
  args: { json: { type: "boolean", description: "Print JSON" }, ...configArg },
  async run({ args }) {
    const ctx = authContext();
    await guarded(ctx.log, async () => {
      await ctx.store.reload();
      const now = Date.now();
      const summaries = ctx.store.list().map((t) => describeToken(t, now));
      if (args.json) return say(JSON.stringify(summaries, null, 2));
      if (!summaries.length) {
        const hint = importHint(await findImportableConfigs(runtime.envAll()));
        return say(
          hint
            ? `No tokens in ${ctx.store.path}: ${hint}.`
            : `No tokens in ${ctx.store.path}. Run \`ccmux auth login\`.`,
        );
      }
      const rows = summaries.map((s) => [s.provider_id, s.kind, relativeExpiry(s.expires_at, now), s.status]);
      for (const line of table([["ID", "KIND", "EXPIRES", "STATUS"], ...rows])) say(line);
    });
  },
});

const logout = defineCommand({
  meta: { name: "logout", description: "Delete a saved token" },
  args: { id: { type: "positional", required: true, description: "Token id" }, ...configArg },
  async run({ args }) {
    const ctx = authContext();
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
    const ctx = authContext();
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
  subCommands: { login: loginCommand, list, logout, refresh },
});
