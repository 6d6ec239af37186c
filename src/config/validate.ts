import * as v from "valibot";
import { isTable } from "./env-expand.ts";
import { pathToString, type PathSegment } from "./key-locations.ts";
import { typeName, type Finding } from "./problems.ts";
import { ConfigDocumentSchema, type ConfigDocument } from "./schema.ts";

/** The parts of a valibot schema the unknown-key walk looks at. */
interface SchemaShape {
  type: string;
  wrapped?: SchemaShape;
  entries?: Record<string, SchemaShape>;
  item?: SchemaShape;
}

const TYPE_NAMES: Record<string, string> = { Object: "table", Array: "array" };

function unwrap(schema: SchemaShape): SchemaShape {
  let s = schema;
  while (s.wrapped) s = s.wrapped;
  return s;
}

const squash = (key: string) => key.toLowerCase().replace(/[-_]/g, "");

function unknownKeyMessage(path: PathSegment[], known: string[]): string {
  const key = String(path[path.length - 1]);
  const near = known.find((k) => squash(k) === squash(key));
  const hint = near ? ` (did you mean ${near}?)` : "";
  return `unknown key ${pathToString(path)}${hint}`;
}

/** A copy of `value` without the keys `schema` does not know; those are reported in `out`. */
function pruneUnknown(schema: SchemaShape, value: unknown, path: PathSegment[], out: Finding[]): unknown {
  const s = unwrap(schema);
  if (s.type === "array" && s.item && Array.isArray(value)) {
    const item = s.item;
    return value.map((child, i) => pruneUnknown(item, child, [...path, i], out));
  }
  if (s.type !== "object" || !s.entries || !isTable(value)) return value;
  const known: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const entry = s.entries[key];
    if (entry) known[key] = pruneUnknown(entry, child, [...path, key], out);
    else
      out.push({
        path: [...path, key],
        message: unknownKeyMessage([...path, key], Object.keys(s.entries)),
        showPath: false,
      });
  }
  return known;
}

/** Splits off the keys the schema does not know: they are warnings, never errors, and are not env-expanded. */
export function withoutUnknownKeys(doc: unknown): { doc: unknown; findings: Finding[] } {
  const findings: Finding[] = [];
  const known = pruneUnknown(ConfigDocumentSchema as unknown as SchemaShape, doc, [], findings);
  return { doc: known, findings };
}

type Issue = v.InferIssue<typeof ConfigDocumentSchema>;

function issueMessage(issue: Issue): string {
  const expected = issue.expected ? (TYPE_NAMES[issue.expected] ?? issue.expected) : undefined;
  if (issue.kind === "schema" && issue.input === undefined) return `missing (expected ${expected ?? "a value"})`;
  if (issue.kind === "schema" && ["string", "number", "boolean", "object", "array", "record"].includes(issue.type)) {
    return `expected ${expected}, got ${typeName(issue.input)}`;
  }
  return issue.message;
}

function issuePath(issue: Issue): PathSegment[] {
  return (issue.path ?? []).map((item) => item.key as PathSegment);
}

export type ValidationResult = { ok: true; value: ConfigDocument } | { ok: false; findings: Finding[] };

export function validateDocument(doc: unknown): ValidationResult {
  if (!isTable(doc)) return { ok: false, findings: [{ path: [], message: "expected a TOML table" }] };
  const result = v.safeParse(ConfigDocumentSchema, doc);
  if (result.success) return { ok: true, value: result.output };
  const findings = result.issues.map((issue) => ({ path: issuePath(issue), message: issueMessage(issue) }));
  return { ok: false, findings };
}
