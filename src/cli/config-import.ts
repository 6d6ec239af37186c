import { defineCommand } from "citty";
import { resolve } from "node:path";
import { parse } from "smol-toml";
import { tokenKind } from "../auth/flows/index.ts";
import { kindForProviderType } from "../auth/refresh.ts";
import { createTokenStore, parseTokenFile } from "../auth/store.ts";
import type { StoredToken } from "../auth/types.ts";
import {
  detectFormat,
  findImportableConfigs,
  foreignConfigCandidates,
  importForeign,
  muxTokenPath,
  type ForeignConfig,
} from "../config/import/foreign.ts";
import { allPaths, configPath, type Env } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";
import { configArg, die, errorMessage, paint, say } from "../util/cli.ts";
import { checkConfigFile } from "./config-check-file.ts";

async function pickSource(from: string | undefined, env: Env): Promise<ForeignConfig> {
  if (from) {
    const text = await runtime.readText(from);
    if (text === undefined) return die(`cannot read ${from}`);
    return { format: detectFormat(from, text), path: from };
  }
  const found = await findImportableConfigs(env);
  if (found[0]) return found[0];
  const looked = foreignConfigCandidates(env).map((c) => c.path);
  return die(`nothing to import: no config at ${looked.join(" or ")}; name one with --from PATH`);
}

async function writeConfig(target: string, toml: string, force: boolean): Promise<void> {
  if (force) return runtime.writeFileAtomic(target, toml, { mode: 0o644, dirMode: 0o755 });
  await runtime.mkdir(resolve(target, ".."), 0o755);
  if (!(await runtime.createExclusive(target, toml, 0o644)))
    die(`${target} already exists; not overwriting it (add --force to replace it)`);
}

/** The kind each token id gets from the provider of the new config that uses it. */
function kindsByToken(toml: string): Map<string, ReturnType<typeof kindForProviderType>> {
  const doc = parse(toml) as { providers?: { provider_type?: string; oauth_provider?: string; name?: string }[] };
  const kinds = new Map<string, ReturnType<typeof kindForProviderType>>();
  for (const p of doc.providers ?? []) {
    const id = p.oauth_provider ?? p.name;
    if (id && p.provider_type) kinds.set(id, kindForProviderType(p.provider_type));
  }
  return kinds;
}

/** claude-code-mux's tokens into ccmux's store, each with its kind; existing ids are kept unless --force. */
async function importTokens(source: string, toml: string, env: Env, force: boolean): Promise<string[]> {
  const text = await runtime.readText(muxTokenPath(source));
  if (text === undefined) return [];
  const tokens = parseTokenFile(muxTokenPath(source), text);
  const store = createTokenStore({ path: allPaths({ env }).tokens, runtime });
  await store.reload();
  const kinds = kindsByToken(toml);
  const lines: string[] = [];
  for (const [id, token] of tokens) {
    if (store.get(id) && !force) {
      lines.push(`token "${id}": ccmux already has one with this id (kept; --force replaces it)`);
      continue;
    }
    const kind = tokenKind(token, kinds.get(id));
    await store.set({ ...token, provider_id: id, kind } as StoredToken);
    lines.push(`token "${id}": copied to ${store.path} as ${kind}`);
  }
  return lines;
}

export const configImportCommand = defineCommand({
  meta: {
    name: "import",
    description:
      "Convert a claude-code-mux config.toml (and its tokens) or a claude-code-router config.json into ccmux's config",
  },
  args: {
    ...configArg,
    from: {
      type: "string",
      description:
        "The file to import (default: ~/.claude-code-mux/config.toml, else ~/.claude-code-router/config.json)",
    },
    force: { type: "boolean", description: "Replace an existing ccmux config and tokens with the same ids" },
  },
  async run({ args }) {
    const env = runtime.envAll();
    const target = resolve(configPath({ flag: args.config, env }));
    const source = await pickSource(args.from, env);
    const text = (await runtime.readText(source.path)) ?? die(`cannot read ${source.path}`);
    let imported;
    try {
      imported = importForeign(source.format, text, source.path);
    } catch (err) {
      return die(`cannot read ${source.path} as a ${source.format} config: ${errorMessage(err)}`);
    }
    await writeConfig(target, imported.toml, args.force === true);
    say(`wrote ${target} from ${source.format}'s ${source.path}`);
    const tokenLines =
      source.format === "claude-code-mux"
        ? await importTokens(source.path, imported.toml, env, args.force === true)
        : [];
    for (const line of [...imported.notes, ...tokenLines]) say(`  - ${line}`);
    const missing = imported.env.filter((v) => !env[v.name]);
    if (missing.length > 0) say(`Export before serving: ${missing.map((v) => v.name).join(", ")}`);
    const report = await checkConfigFile(target, { ...env, ...Object.fromEntries(missing.map((v) => [v.name, "x"])) });
    for (const problem of report.errors) console.error(`${paint("error", "red")}: ${problem.message}`);
    if (report.ok) say("Next: `ccmux config check`, then `ccmux serve`.");
    else runtime.exit(1);
  },
});
