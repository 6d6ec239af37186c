import { parse, TomlError } from "smol-toml";
import * as v from "valibot";
import { runtime } from "../runtime/index.ts";
import { expandDocument } from "./env-expand.ts";
import { locateKeys, type SourcePosition } from "./key-locations.ts";
import { normalizeDocument } from "./normalize.ts";
import type { Sink } from "./normalize-providers.ts";
import type { Env } from "./paths.ts";
import { ConfigFileError, formatWarnings, toProblems, type Finding } from "./problems.ts";
import { ServerSchema, UsageSchema } from "./schema.ts";
import type { Config } from "./types.ts";
import { validateDocument, withoutUnknownKeys } from "./validate.ts";

export { ConfigFileError, type ConfigProblem } from "./problems.ts";
export { compileRegex } from "./regex.ts";

export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

export interface ParseOptions {
  /** Named in every message; also set as `config.path`. */
  path: string;
  env: Env;
}

function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const message = (err.message.split("\n")[0] ?? "").replace(/^Invalid TOML document: /, "");
    throw new ConfigFileError(
      file,
      [{ message: `TOML syntax error: ${message}`, line: err.line, column: err.column }],
      err.codeblock,
    );
  }
}

function fail(file: string, findings: Finding[], found: Map<string, SourcePosition>): never {
  throw new ConfigFileError(file, toProblems(findings, found));
}

/**
 * Validates an already-parsed document (TOML table or the admin API's JSON) into a Config.
 * `source` is the file text, used only to give problems a line and column.
 */
export function configFromDocument(doc: unknown, opts: ParseOptions & { source?: string }): LoadedConfig {
  const found = locateKeys(opts.source ?? "");
  const known = withoutUnknownKeys(doc);
  const expansion = expandDocument(known.doc, opts.env);
  const validated = validateDocument(expansion.doc);
  const schemaFindings = validated.ok ? [] : validated.findings;
  if (expansion.problems.length > 0 || !validated.ok)
    fail(opts.path, [...expansion.problems, ...schemaFindings], found);
  const sink: Sink = { errors: [], warnings: [] };
  const config = normalizeDocument(validated.value, expansion.refs, sink);
  if (sink.errors.length > 0) fail(opts.path, sink.errors, found);
  config.path = opts.path;
  return { config, warnings: formatWarnings(opts.path, [...known.findings, ...sink.warnings], found) };
}

/** Parses config.toml text. Throws ConfigFileError naming file, line, column and key path. */
export function parseConfig(text: string, opts: ParseOptions): LoadedConfig {
  const source = text.replace(/^\uFEFF/, "");
  const doc = parseToml(source, opts.path);
  return configFromDocument(doc, { ...opts, source });
}

/** Loads the file at `path`; undefined when it does not exist. */
export async function loadConfigFile(path: string, env: Env): Promise<LoadedConfig | undefined> {
  let text: string | undefined;
  try {
    text = await runtime.readText(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigFileError(path, [{ message: `cannot read the file: ${reason}` }]);
  }
  if (text === undefined) return undefined;
  return parseConfig(text, { path, env });
}

/**
 * The config used when no file exists: a transparent proxy to Anthropic. The client's own
 * x-api-key / Authorization is forwarded, and the catch-all model "*" keeps its model name.
 */
export function embeddedDefaultConfig(): Config {
  return {
    server: v.parse(ServerSchema, {}),
    router: { default: "default", auto_map_regex: "^$", long_context_threshold: 60_000 },
    providers: [
      {
        name: "anthropic",
        provider_type: "anthropic",
        auth_type: "passthrough",
        headers: {},
        models: [],
        enabled: true,
      },
    ],
    models: [{ name: "*", mappings: [{ priority: 1, provider: "anthropic", actual_model: "*" }] }],
    usage: v.parse(UsageSchema, {}),
    prices: {},
  };
}
