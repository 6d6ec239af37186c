import type { Env } from "./paths.ts";
import { pathToString, type PathSegment } from "./key-locations.ts";
import type { Finding } from "./problems.ts";

export interface StringExpansion {
  value: string;
  /** Variables referenced, set or not. */
  vars: string[];
  unset: string[];
  errors: string[];
}

const REFERENCE = /\$\$|\$\{([^}]*)(\}?)|\$([A-Za-z_][A-Za-z0-9_]*)/g;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Expands `$VAR` and `${VAR}` anywhere in `raw`; `$$` is a literal `$`, and a `$` not
 * followed by a name stays as it is. Unset variables are left unexpanded and reported.
 */
export function expandString(raw: string, env: Env): StringExpansion {
  const result: StringExpansion = { value: "", vars: [], unset: [], errors: [] };
  result.value = raw.replace(
    REFERENCE,
    (match, braced: string | undefined, close: string, bare: string | undefined) => {
      if (match === "$$") return "$";
      if (braced !== undefined && close === "") {
        result.errors.push(`unclosed "\${" in ${JSON.stringify(raw)}`);
        return match;
      }
      const name = bare ?? braced ?? "";
      if (!VAR_NAME.test(name)) {
        result.errors.push(`invalid variable reference ${JSON.stringify(match)}`);
        return match;
      }
      result.vars.push(name);
      const value = env[name];
      if (value === undefined) {
        result.unset.push(name);
        return match;
      }
      return value;
    },
  );
  return result;
}

export interface DocumentExpansion {
  doc: unknown;
  problems: Finding[];
  /** Raw text of every string that referenced a variable, by key path string. */
  refs: Map<string, string>;
}

interface WalkContext {
  env: Env;
  problems: Finding[];
  refs: Map<string, string>;
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function expandValue(value: unknown, path: PathSegment[], ctx: WalkContext, lenient: boolean): unknown {
  if (typeof value === "string") return expandLeaf(value, path, ctx, lenient);
  if (Array.isArray(value)) return value.map((item, i) => expandValue(item, [...path, i], ctx, lenient));
  if (!isTable(value)) return value;
  const skipUnset = lenient || isDisabledProvider(path, value);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[key] = expandValue(child, [...path, key], ctx, skipUnset);
  return out;
}

/** `providers[i]` or `providers[i].accounts[j]` with `enabled = false`: its unset variables are not errors. */
function isDisabledProvider(path: PathSegment[], value: unknown): boolean {
  const provider = path.length === 2 || (path.length === 4 && path[2] === "accounts");
  return provider && path[0] === "providers" && isTable(value) && value.enabled === false;
}

function expandLeaf(raw: string, path: PathSegment[], ctx: WalkContext, lenient: boolean): string {
  const expansion = expandString(raw, ctx.env);
  if (expansion.vars.length > 0) ctx.refs.set(pathToString(path), raw);
  if (lenient) return expansion.value;
  for (const message of expansion.errors) ctx.problems.push({ path, message });
  for (const name of expansion.unset) ctx.problems.push({ path, message: `environment variable ${name} is not set` });
  return expansion.value;
}

/** Expands every string value of a parsed TOML document. Disabled providers are expanded leniently. */
export function expandDocument(doc: unknown, env: Env): DocumentExpansion {
  const ctx: WalkContext = { env, problems: [], refs: new Map() };
  const expanded = expandValue(doc, [], ctx, false);
  return { doc: expanded, problems: ctx.problems, refs: ctx.refs };
}

/** One `$VAR` reference in a config document. */
export interface VariableUse {
  name: string;
  /** Key path of the string holding it, e.g. `providers[1].api_key`. */
  path: string;
  /** Inside a disabled provider or account: unset is not an error there. */
  optional: boolean;
}

/** Every `$VAR` / `${VAR}` a parsed document references, set or not (for `doctor` and `service install`). */
export function variableUses(doc: unknown): VariableUse[] {
  const uses: VariableUse[] = [];
  const walk = (value: unknown, path: PathSegment[], optional: boolean): void => {
    if (typeof value === "string") {
      for (const name of expandString(value, {}).vars) uses.push({ name, path: pathToString(path), optional });
    } else if (Array.isArray(value))
      value.forEach((item, i) => {
        walk(item, [...path, i], optional);
      });
    else if (isTable(value)) {
      const skip = optional || isDisabledProvider(path, value);
      for (const [key, child] of Object.entries(value)) walk(child, [...path, key], skip);
    }
  };
  walk(doc, [], false);
  return uses;
}

/** `env` with every referenced but unset variable standing for itself ("$NAME"), so the rest of a file can be checked. */
export function withPlaceholders(uses: readonly VariableUse[], env: Env): Env {
  const filled: Env = { ...env };
  for (const { name } of uses) if (filled[name] === undefined) filled[name] = `$${name}`;
  return filled;
}
