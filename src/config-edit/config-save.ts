import { parse, TomlError } from "smol-toml";
import { configFromDocument, ConfigFileError, parseConfig } from "../config/load.ts";
import type { Env } from "../config/paths.ts";
import { CONFIG_TEMPLATE } from "../config/template.ts";
import { withoutUnknownKeys } from "../config/validate.ts";
import { runtime } from "../runtime/index.ts";
import { CcmuxError, RequestError } from "../util/errors.ts";
import { redact } from "../util/log.ts";
import type { DepsHolder } from "../proxy/deps.ts";
import { mergeConfigBody } from "./config-merge.ts";
import { rewriteToml } from "./toml-patch.ts";
import { unholdableText, type Doc } from "./toml-values.ts";

/** A 400 that carries the list of problems, each `key.path: message`. */
export class ConfigProblemsError extends RequestError {
  constructor(readonly problems: string[]) {
    super(`The config was not saved: ${problems.length === 1 ? problems[0] : `${problems.length} problems`}`);
  }
}

export interface ConfigFile {
  path: string;
  /** The file's text; the starter template when there is no file yet. */
  text: string;
  exists: boolean;
  etag: string;
}

export interface SaveOutcome {
  path: string;
  warnings: string[];
  reloaded: boolean;
  reloadError?: string;
  etag: string;
  /** False when the file's layout forced a full rewrite that kept only its leading comments. */
  commentsKept: boolean;
}

export async function etagOf(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `"${hex.slice(0, 32)}"`;
}

export function configFilePath(holder: DepsHolder): string {
  const path = holder.configPath ?? holder.current().config.path;
  if (!path)
    throw new CcmuxError("ccmux does not know which config file to write (no --config path)", 409, "conflict_error");
  return path;
}

export async function readConfigFile(path: string): Promise<ConfigFile> {
  const found = await runtime.readText(path);
  const text = found ?? CONFIG_TEMPLATE;
  return { path, text, exists: found !== undefined, etag: await etagOf(found ?? "") };
}

/** The file's TOML document without env expansion; undefined when it does not parse. */
export function rawDocument(text: string): Doc | undefined {
  try {
    return parse(text) as Doc;
  } catch {
    return undefined;
  }
}

function parseForEdit(file: ConfigFile): Doc {
  try {
    return parse(file.text) as Doc;
  } catch (err) {
    const where = err instanceof TomlError ? `:${err.line}:${err.column}` : "";
    throw new CcmuxError(
      `${file.path}${where} does not parse as TOML; fix the file before saving through the admin API`,
      409,
      "conflict_error",
    );
  }
}

function validate(doc: Doc, path: string, env: Env): string[] {
  try {
    return configFromDocument(doc, { path, env }).warnings;
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    throw new ConfigProblemsError(err.problems.map((p) => (p.keyPath ? `${p.keyPath}: ` : "") + redact(p.message)));
  }
}

/**
 * The backup goes beside the path ccmux was given; the new text replaces the file a symlinked
 * config.toml (the dotfiles case) points to, atomically, and the link stays a link.
 */
async function writeWithBackup(file: ConfigFile, text: string): Promise<void> {
  const target = await runtime.realPath(file.path);
  const mode = (await runtime.fileMode(target)) ?? 0o644;
  if (file.exists) await runtime.writeFileAtomic(`${file.path}.bak`, file.text, { mode, dirMode: 0o755 });
  await runtime.writeFileAtomic(target, text, { mode, dirMode: 0o755 });
}

/** Merge, validate with the loader's own checks, rewrite keeping comments, back up, write atomically, reload. */
export async function saveConfig(
  holder: DepsHolder,
  body: unknown,
  opts: { env: Env; ifMatch?: string },
): Promise<SaveOutcome> {
  const file = await readConfigFile(configFilePath(holder));
  if (opts.ifMatch && opts.ifMatch !== file.etag) {
    throw new CcmuxError(
      "The config file changed since you read it (If-Match does not match); reload and try again",
      412,
      "invalid_request_error",
    );
  }
  const unknown = withoutUnknownKeys(body).findings.map((f) => f.message);
  if (unknown.length > 0) throw new ConfigProblemsError(unknown);
  const unholdable = unholdableText(body);
  if (unholdable.length > 0) throw new ConfigProblemsError(unholdable);
  const merged = mergeConfigBody(body, { raw: parseForEdit(file), effective: holder.current().config });
  if (merged.problems.length > 0) throw new ConfigProblemsError(merged.problems);
  const warnings = validate(merged.doc, file.path, opts.env);
  const { text, regenerated } = rewriteToml(file.text, merged.doc);
  parseConfig(text, { path: file.path, env: opts.env });
  await writeWithBackup(file, text);
  const outcome: SaveOutcome = {
    path: file.path,
    warnings: warnings.map((w) => redact(w)),
    reloaded: false,
    etag: await etagOf(text),
    commentsKept: !regenerated,
  };
  if (!holder.reload) return outcome;
  try {
    await holder.reload();
    outcome.reloaded = true;
  } catch (err) {
    outcome.reloadError = redact(err instanceof Error ? err.message : String(err));
  }
  return outcome;
}
