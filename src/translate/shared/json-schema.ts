import { isRecord as isSchema } from "../../util/is-record.ts";
import { chargeRef, refBudget, resolveRef, type RefBudget } from "./json-schema-refs.ts";

type Schema = Record<string, unknown>;

/**
 * The keys Gemini's OpenAPI-3.0 Schema subset accepts (protocol.md §5.5), minus `default`:
 * that one has caused 400s on some Google backends, so it is moved into the description.
 */
export const GEMINI_SCHEMA_KEYS: ReadonlySet<string> = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "items",
  "minItems",
  "maxItems",
  "properties",
  "required",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "anyOf",
  "propertyOrdering",
  "example",
]);

const NUMERIC_KEYS = [
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
];
const FORMATS_BY_TYPE: Record<string, string[]> = {
  string: ["enum", "date-time"],
  number: ["float", "double"],
  integer: ["int32", "int64"],
};
const MAX_DEPTH = 48;

interface Ctx {
  root: Schema;
  /** The definitions being inlined on this path, to cut recursion. */
  expanding: Schema[];
  depth: number;
  budget: RefBudget;
}

/**
 * JSON Schema (any draft) → the subset Gemini's functionDeclarations.parameters and
 * responseSchema accept. Local `$ref`s are inlined (recursion is cut off, and the copies are
 * budgeted: a RequestError naming `label` when they would grow too large), `const`/`enum`
 * become string enums, type arrays become `nullable`/`anyOf`, and what cannot be expressed
 * (non-string enums, exclusive number bounds, unsupported formats, defaults) is kept as a
 * hint in the description. Never mutates its input; work and output are linear in its size.
 */
export function cleanSchemaForGemini(schema: unknown, label = "schema"): Schema {
  const root = isSchema(schema) ? schema : {};
  return clean(root, { root, expanding: [], depth: 0, budget: refBudget(root, label, MAX_DEPTH + 1) });
}

function clean(node: unknown, ctx: Ctx): Schema {
  if (!isSchema(node) || ctx.depth > MAX_DEPTH) return {};
  const inner: Ctx = { ...ctx, depth: ctx.depth + 1 };
  if (typeof node.$ref === "string") return cleanRef(node, node.$ref, inner);
  const out: Schema = {};
  const hints: string[] = [];
  copyPlain(node, out);
  applyType(node.type, out);
  applyExclusiveBounds(node, out, hints);
  applyEnum(node, out, hints);
  applyFormat(node, out, hints);
  if (node.default !== undefined) hints.push(`default: ${JSON.stringify(node.default)}`);
  applyProperties(node, out, inner);
  applyItems(node, out, inner);
  applyCombinators(node, out, inner);
  finish(out, hints);
  return out;
}

function cleanRef(node: Schema, ref: string, ctx: Ctx): Schema {
  const { $ref: _ref, ...siblings } = node;
  const target = resolveRef(ctx.budget, ctx.root, ref);
  if (!target) return clean(siblings, ctx);
  if (ctx.expanding.includes(target)) {
    const type = typeof target.type === "string" ? target.type : "object";
    const description = siblings.description ?? target.description;
    return clean({ type, ...(description === undefined ? {} : { description }) }, ctx);
  }
  chargeRef(ctx.budget, target, MAX_DEPTH + 1 - ctx.depth);
  return clean({ ...target, ...siblings }, { ...ctx, expanding: [...ctx.expanding, target] });
}

function copyPlain(node: Schema, out: Schema): void {
  for (const key of ["title", "description", "pattern"]) if (typeof node[key] === "string") out[key] = node[key];
  for (const key of NUMERIC_KEYS) if (typeof node[key] === "number") out[key] = node[key];
  if (typeof node.nullable === "boolean") out.nullable = node.nullable;
  if (node.example !== undefined) out.example = node.example;
  else if (Array.isArray(node.examples) && node.examples.length > 0) out.example = node.examples[0];
}

function applyType(type: unknown, out: Schema): void {
  if (typeof type === "string") {
    out.type = type.toLowerCase();
    return;
  }
  if (!Array.isArray(type)) return;
  const types = type.filter((t): t is string => typeof t === "string").map((t) => t.toLowerCase());
  const nonNull = types.filter((t) => t !== "null");
  if (nonNull.length < types.length) out.nullable = true;
  if (nonNull.length === 1) out.type = nonNull[0];
  else if (nonNull.length > 1) out.anyOf = nonNull.map((t) => ({ type: t }));
  else if (types.length > 0) out.type = "null";
}

function applyExclusiveBounds(node: Schema, out: Schema, hints: string[]): void {
  const integer = out.type === "integer";
  const pairs = [
    { ex: node.exclusiveMinimum, key: "minimum", step: 1, pick: Math.max, sign: ">" },
    { ex: node.exclusiveMaximum, key: "maximum", step: -1, pick: Math.min, sign: "<" },
  ];
  for (const { ex, key, step, pick, sign } of pairs) {
    const current = node[key];
    const inclusive = typeof current === "number" ? current : undefined;
    const bound = typeof ex === "number" ? ex : ex === true ? inclusive : undefined;
    if (bound === undefined) continue;
    if (integer) {
      const next = Number.isInteger(bound) ? bound + step : step > 0 ? Math.ceil(bound) : Math.floor(bound);
      out[key] = inclusive === undefined || ex === true ? next : pick(inclusive, next);
    } else {
      out[key] = inclusive === undefined || ex === true ? bound : pick(inclusive, bound);
      hints.push(`must be ${sign} ${bound}`);
    }
  }
}

function applyEnum(node: Schema, out: Schema, hints: string[]): void {
  const values = "const" in node ? [node.const] : Array.isArray(node.enum) ? node.enum : undefined;
  if (!values) return;
  const nonNull = values.filter((v) => v !== null);
  if (nonNull.length < values.length) out.nullable = true;
  const allStrings = nonNull.every((v) => typeof v === "string");
  const strings = nonNull.filter((v): v is string => typeof v === "string" && v !== "");
  const stringType = out.type === undefined || out.type === "string";
  if (stringType && allStrings && strings.length > 0) out.enum = strings;
  else if (nonNull.length > 0) hints.push(`allowed values: ${nonNull.map((v) => JSON.stringify(v)).join(", ")}`);
}

function applyFormat(node: Schema, out: Schema, hints: string[]): void {
  if (typeof node.format !== "string") return;
  const allowed = FORMATS_BY_TYPE[String(out.type)] ?? [];
  if (allowed.includes(node.format)) out.format = node.format;
  else hints.push(`format: ${node.format}`);
}

function applyProperties(node: Schema, out: Schema, ctx: Ctx): void {
  if (!isSchema(node.properties)) return;
  const props: Schema = {};
  for (const [name, value] of Object.entries(node.properties)) setOwn(props, name, clean(value, ctx));
  if (Object.keys(props).length === 0) return;
  out.properties = props;
  const known = (v: unknown): v is string => typeof v === "string" && v in props;
  const required = Array.isArray(node.required) ? [...new Set(node.required.filter(known))] : [];
  if (required.length > 0) out.required = required;
  const ordering = Array.isArray(node.propertyOrdering) ? node.propertyOrdering.filter(known) : [];
  if (ordering.length > 0) out.propertyOrdering = ordering;
}

function applyItems(node: Schema, out: Schema, ctx: Ctx): void {
  const items = node.items ?? node.prefixItems;
  if (isSchema(items)) out.items = clean(items, ctx);
  else if (Array.isArray(items)) {
    const variants = items.map((item) => clean(item, ctx));
    if (variants.length === 1) out.items = variants[0];
    else if (variants.length > 1) out.items = { anyOf: variants };
  }
}

function applyCombinators(node: Schema, out: Schema, ctx: Ctx): void {
  if (Array.isArray(node.allOf))
    mergeAll(
      out,
      node.allOf.map((sub) => clean(sub, ctx)),
    );
  const alternatives = [node.anyOf, node.oneOf].flatMap((list) => (Array.isArray(list) ? list : []));
  if (alternatives.length === 0) return;
  const variants = alternatives.map((sub) => clean(sub, ctx));
  const isNull = (v: Schema) => v.type === "null" && v.properties === undefined;
  const rest = variants.filter((v) => !isNull(v));
  if (rest.length < variants.length) out.nullable = true;
  if (rest.length === 1) mergeAll(out, rest);
  const earlier: unknown[] = Array.isArray(out.anyOf) ? out.anyOf : [];
  if (rest.length > 1) out.anyOf = [...earlier, ...rest];
}

/**
 * Folds each of `subs` (fresh cleaned schemas) into `into`: properties and required are unioned,
 * what `into` has wins elsewhere. In place, so many subschemas cost their size, not its square.
 */
function mergeAll(into: Schema, subs: Schema[]): void {
  const required = new Set(Array.isArray(into.required) ? into.required : []);
  for (const from of subs) {
    for (const [key, value] of Object.entries(from)) {
      if (key === "properties" && isSchema(value)) {
        const props: Schema = isSchema(into.properties) ? into.properties : {};
        into.properties = props;
        for (const [name, sub] of Object.entries(value)) if (!Object.hasOwn(props, name)) setOwn(props, name, sub);
      } else if (key === "required" && Array.isArray(value)) {
        for (const name of value) required.add(name);
      } else if (!(key in into)) {
        into[key] = value;
      }
    }
  }
  if (required.size > 0) into.required = [...required];
}

function finish(out: Schema, hints: string[]): void {
  if (out.type === undefined && out.anyOf === undefined) {
    if (out.properties) out.type = "object";
    else if (out.items) out.type = "array";
    else if (out.enum) out.type = "string";
  }
  if (out.type === "array" && (!isSchema(out.items) || Object.keys(out.items).length === 0)) {
    out.items = { type: "string" };
  }
  if (hints.length > 0) {
    const note = `(${hints.join("; ")})`;
    out.description = typeof out.description === "string" && out.description ? `${out.description} ${note}` : note;
  }
}

/** `obj[key] = value` that keeps a property named "__proto__" a property. */
function setOwn(obj: Schema, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
