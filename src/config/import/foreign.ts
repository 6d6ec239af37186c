import { dirname, join } from "node:path";
import { parse } from "smol-toml";
import type { Env } from "../paths.ts";
import { runtime } from "../../runtime/index.ts";
import { importClaudeCodeRouter, type Imported } from "./ccr.ts";

/** Another router's config that `ccmux config import` converts. */
export type ForeignFormat = "claude-code-mux" | "claude-code-router";

export interface ForeignConfig {
  format: ForeignFormat;
  path: string;
}

function home(env: Env): string | undefined {
  return env.HOME || env.USERPROFILE || undefined;
}

/** Where claude-code-mux and claude-code-router keep their configs by default. */
export function foreignConfigCandidates(env: Env): ForeignConfig[] {
  const h = home(env);
  if (!h) return [];
  const ccrDir = env.APPDATA && !env.HOME ? join(env.APPDATA, "claude-code-router") : join(h, ".claude-code-router");
  return [
    { format: "claude-code-mux", path: join(h, ".claude-code-mux", "config.toml") },
    { format: "claude-code-router", path: join(ccrDir, "config.json") },
  ];
}

/** The foreign configs present on this machine; `serve`, `config check`, `auth list` and `doctor` name them when ccmux has none. */
export async function findImportableConfigs(env: Env): Promise<ForeignConfig[]> {
  const found: ForeignConfig[] = [];
  for (const c of foreignConfigCandidates(env)) if (await runtime.exists(c.path)) found.push(c);
  return found;
}

/** One line saying what was found and the command that converts it; undefined when nothing was. */
export function importHint(found: readonly ForeignConfig[]): string | undefined {
  const first = found[0];
  if (!first) return undefined;
  return `no ccmux config yet, but a ${first.format} config exists at ${first.path}: \`ccmux config import --from ${first.path}\` converts it`;
}

/** claude-code-mux's tokens live beside its config. */
export function muxTokenPath(configPath: string): string {
  return join(dirname(configPath), "oauth_tokens.json");
}

/** The format a file is in, from its name, else its content. */
export function detectFormat(path: string, text: string): ForeignFormat {
  if (path.endsWith(".json") || text.trimStart().startsWith("{")) return "claude-code-router";
  return "claude-code-mux";
}

/** JSON5 as claude-code-router accepts it: comments and trailing commas removed, strings untouched. */
export function parseJson5(text: string): Record<string, unknown> {
  const plain = text
    .replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, s: string | undefined) => s ?? "")
    .replace(
      /("(?:\\.|[^"\\])*")|,(\s*[}\]])/g,
      (m, s: string | undefined, close: string | undefined) => s ?? close ?? m,
    );
  const value: unknown = JSON.parse(plain);
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("the file is not a JSON object");
  return value as Record<string, unknown>;
}

/**
 * claude-code-mux's config.toml is ccmux's format: the text is kept byte for byte (comments, `$VAR`
 * references, every value) under a header line; notes name literal keys, which belong in the environment.
 */
export function importClaudeCodeMux(text: string, source: string): Imported {
  const notes: string[] = [];
  const doc = parse(text) as { providers?: { name?: string; api_key?: unknown }[] };
  for (const p of doc.providers ?? [])
    if (typeof p.api_key === "string" && p.api_key && !p.api_key.includes("$"))
      notes.push(
        `provider "${p.name}": its api_key is written in the file (kept); "$VAR" keeps it out of your dotfiles`,
      );
  const header = `# Imported by \`ccmux config import\` from claude-code-mux's ${source}; the rest is that file unchanged.\n`;
  return { toml: header + text, notes, env: [] };
}

/** Converts a foreign config's text to ccmux's config.toml. */
export function importForeign(format: ForeignFormat, text: string, source: string): Imported {
  return format === "claude-code-mux"
    ? importClaudeCodeMux(text, source)
    : importClaudeCodeRouter(parseJson5(text), source);
}
