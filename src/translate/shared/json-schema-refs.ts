import { RequestError } from "../../util/errors.ts";
import { isIndexable, isRecord } from "../../util/is-record.ts";

type Schema = Record<string, unknown>;

/** Inlined `$ref`s may grow a schema to this many times its own size (never past MAX_BUDGET)... */
export const REF_GROWTH = 10;
/** ...but at least this much: a small schema may reuse one definition a few times. */
const MIN_BUDGET = 64 * 1024;
/** ...and at most this much, whatever the input's size. */
export const MAX_BUDGET = 1024 * 1024;

/**
 * What inlining `$ref`s may still cost: every expansion is charged the (JSON) size of what it
 * copies, so fan-out (8 refs × 8 levels) stops at the budget instead of growing exponentially.
 * Pointers are resolved once each.
 */
export interface RefBudget {
  readonly label: string;
  readonly limit: number;
  left: number;
  readonly pointers: Map<string, Schema | undefined>;
}

export function refBudget(root: Schema, label: string, maxDepth: number): RefBudget {
  const size = jsonSize(root, maxDepth, MAX_BUDGET);
  const limit = Math.min(Math.max(REF_GROWTH * size, MIN_BUDGET), MAX_BUDGET);
  return { label, limit, left: limit, pointers: new Map() };
}

/** Charges one expansion of `target`; a 400 naming the schema once the budget is spent. */
export function chargeRef(budget: RefBudget, target: Schema, depthLeft: number): void {
  const cost = jsonSize(target, depthLeft, budget.left);
  if (cost > budget.left) {
    throw new RequestError(
      `${budget.label}: inlining its $refs would grow the schema past ${kb(budget.limit)} (ccmux allows ` +
        `${REF_GROWTH}× the schema's own size, at least ${kb(MIN_BUDGET)}, at most ${kb(MAX_BUDGET)}). ` +
        "Gemini takes no $refs, so each reference is copied in full: nest fewer references",
    );
  }
  budget.left -= cost;
}

/** The local JSON pointer `ref` (`#`, `#/a/b`) in `root`; undefined for other refs or a missing target. */
export function resolveRef(budget: RefBudget, root: Schema, ref: string): Schema | undefined {
  if (budget.pointers.has(ref)) return budget.pointers.get(ref);
  const target = resolvePointer(root, ref, budget.label);
  budget.pointers.set(ref, target);
  return target;
}

function resolvePointer(root: Schema, ref: string, label: string): Schema | undefined {
  if (ref !== "#" && !ref.startsWith("#/")) return undefined;
  let cur: unknown = root;
  for (const raw of ref.split("/").slice(1)) {
    if (!isIndexable(cur)) return undefined;
    const key = decodeSegment(raw, ref, label).replace(/~1/g, "/").replace(/~0/g, "~");
    cur = Object.hasOwn(cur, key) ? cur[key] : undefined;
  }
  return isRecord(cur) ? cur : undefined;
}

function decodeSegment(raw: string, ref: string, label: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    const shown = ref.length > 80 ? `${ref.slice(0, 80)}…` : ref;
    throw new RequestError(`${label}: $ref ${JSON.stringify(shown)} is not a valid JSON pointer (bad %-escape)`);
  }
}

/**
 * About the length of `value` as JSON, counted no deeper than `depth` levels (deeper ones are
 * dropped when cleaning) and no further than `cap` (the answer is then more than `cap`).
 */
export function jsonSize(value: unknown, depth: number, cap: number): number {
  if (typeof value === "string") return value.length + 2;
  if (typeof value !== "object" || value === null) return String(value).length;
  if (depth <= 0) return 2;
  let size = 2;
  const entries = Array.isArray(value) ? value.map((v) => ["", v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    size += key.length + 4 + jsonSize(child, depth - 1, cap - size);
    if (size > cap) return size;
  }
  return size;
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${Math.round(bytes / 1024)} KB`;
}
