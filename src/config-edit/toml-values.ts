import { stringify } from "smol-toml";

/** Plain-data helpers shared by the TOML rewrite and the config merge. */
export type Doc = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Doc {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** JSON text with sorted keys and without empty tables or arrays, which TOML cannot tell from absent ones. */
export function canonical(value: unknown): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isPlainObject(v)) return v;
    const out: Doc = {};
    for (const key of Object.keys(v).sort()) {
      const child = walk(v[key]);
      const empty =
        (Array.isArray(child) && child.length === 0) || (isPlainObject(child) && Object.keys(child).length === 0);
      if (child !== undefined && !empty) out[key] = child;
    }
    return out;
  };
  return JSON.stringify(walk(value));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

export function renderKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : stringify({ k: key }).slice(4).trim();
}

/** A value as it is written after `key = `: scalars, arrays and inline tables on one line. */
export function inlineValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineValue).join(", ")}]`;
  if (isPlainObject(value)) {
    const parts = Object.entries(value).map(([k, v]) => `${renderKey(k)} = ${inlineValue(v)}`);
    return parts.length ? `{ ${parts.join(", ")} }` : "{}";
  }
  return stringify({ v: value }).slice(4).trim();
}

export function getPath(doc: unknown, path: readonly (string | number)[]): unknown {
  let cur = doc;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** Every leaf under `value` (anything but a plain table), by path. */
export function leafPaths(value: unknown, base: (string | number)[] = []): (string | number)[][] {
  if (!isPlainObject(value)) return value === undefined ? [] : [base];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...base, k]));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Keys and strings TOML cannot hold (lone UTF-16 surrogates), as `path: problem`. */
export function unholdableText(value: unknown, at = ""): string[] {
  const bad = (text: string) => LONE_SURROGATE.test(text);
  const where = (key: string | number) => (typeof key === "number" ? `${at}[${key}]` : at ? `${at}.${key}` : key);
  const problem = (path: string, what: string) =>
    `${path}: ${what} contains a lone UTF-16 surrogate, which TOML cannot hold`;
  if (typeof value === "string") return bad(value) ? [problem(at, "the value")] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => unholdableText(item, where(i)));
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    bad(key) ? [problem(where(JSON.stringify(key)), "the key")] : unholdableText(child, where(key)),
  );
}
