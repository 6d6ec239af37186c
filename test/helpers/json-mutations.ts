// Seeded random mutations of JSON values, for property tests of code that reads client input.
import { seededRandom } from "./sse.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Container = Json[] | { [key: string]: Json };

export interface MutationVocabulary {
  /** Values put where something else was. */
  values: Json[];
  /** Field names added to objects (the fields the code under test reads). */
  keys: string[];
  /** Values given to `type` fields. */
  types: string[];
}

/** Wrong values of every JSON kind, and ones that tripped translators before. */
export const WRONG_VALUES: Json[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  "",
  "x",
  "%E0%A4%A",
  "#/%",
  true,
  false,
  [],
  {},
  [null],
  [1],
  ["x"],
  [[]],
  { type: 5 },
  { type: "text" },
  { type: "image", source: null },
  { type: "tool_use" },
  { type: "tool_result", tool_use_id: 5 },
  { $ref: "#" },
  { $ref: "#/%E0%A4%A" },
];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

/**
 * A random container of `root` and its path: a walk down from the root that stops at each level with
 * probability 1/3 (or at a leaf), so top-level fields are hit as often as deep schema nodes.
 */
function randomContainer(root: Container, rand: () => number): [Container, string] {
  let node = root;
  let path = "$";
  for (;;) {
    const children = Object.entries(node).filter(
      (entry): entry is [string, Container] => typeof entry[1] === "object" && entry[1] !== null,
    );
    if (children.length === 0 || rand() < 1 / 3) return [node, path];
    const [key, child] = pick(rand, children);
    path += Array.isArray(node) ? `[${key}]` : `.${key}`;
    node = child;
  }
}

/** Sets a field as JSON.parse would: a key named "__proto__" stays a plain property. */
function setField(obj: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One random change to one container of `root` (in place), said in words. */
function mutateOnce(root: Container, rand: () => number, vocab: MutationVocabulary): string {
  const [node, path] = randomContainer(root, rand);
  const value = structuredClone(pick(rand, vocab.values));
  if (Array.isArray(node)) {
    const i = Math.floor(rand() * (node.length + 1));
    const op = pick(rand, ["replace", "insert", "delete", "duplicate"] as const);
    if (op === "insert" || node.length === 0) node.splice(i, 0, value);
    else if (op === "delete") node.splice(i % node.length, 1);
    else if (op === "duplicate") node.push(structuredClone(node[i % node.length]!));
    else node[i % node.length] = value;
    return `${op} ${path}[${i}] ${JSON.stringify(value)}`;
  }
  const keys = Object.keys(node);
  const op = pick(rand, ["replace", "delete", "add", "retype"] as const);
  if (op === "retype" || keys.length === 0) {
    const type = pick(rand, vocab.types);
    setField(node, "type", type);
    return `retype ${path} ${type}`;
  }
  if (op === "add") {
    const key = pick(rand, vocab.keys);
    setField(node, key, value);
    return `add ${path}.${key} ${JSON.stringify(value)}`;
  }
  const key = pick(rand, keys);
  if (op === "delete") delete node[key];
  else setField(node, key, value);
  return `${op} ${path}.${key}${op === "replace" ? ` ${JSON.stringify(value)}` : ""}`;
}

export interface Mutant {
  value: Json;
  /** What was changed, to reproduce a failure by hand. */
  changes: string[];
}

/** `count` mutants of `seed`, each with 1 to `maxChanges` random changes; the same for the same `seedNumber`. */
export function mutants(
  seed: Json,
  count: number,
  seedNumber: number,
  vocab: MutationVocabulary,
  maxChanges = 3,
): Mutant[] {
  const rand = seededRandom(seedNumber);
  return Array.from({ length: count }, () => {
    const value = structuredClone(seed) as Container;
    const n = 1 + Math.floor(rand() * maxChanges);
    const changes = Array.from({ length: n }, () => mutateOnce(value, rand, vocab));
    return { value, changes };
  });
}
