import type { Config } from "../config/types.ts";
import { deepEqual, isPlainObject, type Doc } from "./toml-values.ts";

/**
 * Merges a POST /api/config/json body into the file's unexpanded document (unknown keys were
 * refused before).
 *
 * - `server` and `router` are merged key by key; `providers` and `models` replace the lists.
 * - null (and "" for router slots) removes a key.
 * - A value equal to what GET showed (the running config) keeps the file's own text, so
 *   `$VAR` references, spellings and absent defaults survive a round trip.
 * - A secret sent back as "set", or as its `$VAR` text, means unchanged.
 */
export interface MergeSource {
  /** The config file parsed as TOML, before env expansion. */
  raw: Doc;
  /** The running config, which GET showed. */
  effective: Config;
}

export interface Merged {
  doc: Doc;
  problems: string[];
}

const SECTIONS = ["server", "router", "providers", "models"];
const SECRET_KEYS = new Set(["api_key", "admin_token", "metrics_token"]);

interface Ctx {
  problems: string[];
}

/** "set", or the running value itself, keeps the file's text (a `$VAR` stays a reference). */
function secret(posted: unknown, raw: unknown, running: unknown, at: string, ctx: Ctx): unknown {
  if (posted !== "set" && (running === undefined || posted !== running)) return posted;
  if (raw === undefined)
    ctx.problems.push(`${at}: "set" keeps the current value, but there is none; send the key or a $VARIABLE`);
  return raw;
}

/** One table: posted keys over the file's, with the rules above. `secrets` names the keys holding secrets. */
function mergeTable(
  raw: unknown,
  posted: Doc,
  effective: unknown,
  at: string,
  ctx: Ctx,
  secrets: (key: string) => boolean,
): Doc {
  const base = isPlainObject(raw) ? raw : {};
  const eff = isPlainObject(effective) ? effective : {};
  const out: Doc = { ...base };
  for (const [key, value] of Object.entries(posted)) {
    const path = `${at}.${key}`;
    if (value === null) delete out[key];
    else if (secrets(key)) out[key] = secret(value, base[key], eff[key], path, ctx);
    else if (isPlainObject(value))
      out[key] = mergeTable(base[key], value, eff[key], path, ctx, () => key === "headers");
    else if (deepEqual(value, eff[key])) out[key] = base[key];
    else out[key] = value;
    if (out[key] === undefined) delete out[key];
  }
  return out;
}

function nameOf(value: unknown): unknown {
  return isPlainObject(value) ? value.name : undefined;
}

const typeOf = (value: unknown) => (isPlainObject(value) ? value.provider_type : undefined);

/**
 * The old element an element of the new list continues: the one with its name, else (a rename)
 * the one at its place, if that name is gone from the new list and the provider type is the same.
 */
function previous(list: unknown[], posted: unknown[], index: number): unknown {
  const name = nameOf(posted[index]);
  const byName = list.find((e) => nameOf(e) !== undefined && nameOf(e) === name);
  if (byName) return byName;
  const same = list[index];
  const renamed =
    same !== undefined && !posted.some((p) => nameOf(p) === nameOf(same)) && typeOf(same) === typeOf(posted[index]);
  return renamed ? same : undefined;
}

function mergeList(
  section: "providers" | "models",
  posted: unknown,
  source: MergeSource,
  ctx: Ctx,
): unknown[] | undefined {
  if (!Array.isArray(posted)) {
    ctx.problems.push(`${section}: expected an array`);
    return undefined;
  }
  const raw = Array.isArray(source.raw[section]) ? (source.raw[section] as unknown[]) : [];
  const effective = source.effective[section] as unknown[];
  return posted.map((element, i) => {
    if (!isPlainObject(element)) {
      ctx.problems.push(`${section}[${i}]: expected an object`);
      return element;
    }
    const before = previous(raw, posted, i);
    const running = previous(effective, posted, i);
    if (deepEqual(element, running) && before !== undefined) return before;
    const table = mergeTable(before, element, running, `${section}[${i}]`, ctx, (key) => key === "api_key");
    for (const key of Object.keys(table)) if (!(key in element)) delete table[key];
    return table;
  });
}

function mergeSection(section: string, posted: unknown, source: MergeSource, ctx: Ctx): unknown {
  if (section === "providers" || section === "models") return mergeList(section, posted, source, ctx);
  if (!isPlainObject(posted)) {
    ctx.problems.push(`${section}: expected an object`);
    return source.raw[section];
  }
  const cleaned =
    section === "router"
      ? Object.fromEntries(Object.entries(posted).map(([k, v]) => [k, v === "" ? null : v]))
      : posted;
  const effective = source.effective[section as "server" | "router"];
  return mergeTable(
    source.raw[section],
    cleaned,
    effective,
    section,
    ctx,
    (key) => section === "server" && SECRET_KEYS.has(key),
  );
}

export function mergeConfigBody(body: unknown, source: MergeSource): Merged {
  const ctx: Ctx = { problems: [] };
  if (!isPlainObject(body))
    return {
      doc: source.raw,
      problems: ["the body must be a JSON object with server, router, providers and/or models"],
    };
  const doc: Doc = { ...source.raw };
  for (const [section, posted] of Object.entries(body)) {
    if (SECTIONS.includes(section) && posted !== null) doc[section] = mergeSection(section, posted, source, ctx);
  }
  return { doc: stripNulls(doc) as Doc, problems: ctx.problems };
}

function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(stripNulls);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, stripNulls(v)]),
  );
}
