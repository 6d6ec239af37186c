/** A step in a key path: a table key or an array index. */
export type PathSegment = string | number;

export interface SourcePosition {
  line: number;
  column: number;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** `providers[2].provider_type`, `providers[0].headers."X.Y"`. */
export function pathToString(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else {
      const key = BARE_KEY.test(seg) ? seg : JSON.stringify(seg);
      out += out === "" ? key : `.${key}`;
    }
  }
  return out;
}

const KEY_PART = String.raw`(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)`;
const HEADER_LINE = new RegExp(String.raw`^(\s*)(\[\[?)\s*(${KEY_PART}(?:\s*\.\s*${KEY_PART})*)\s*\]\]?\s*(?:#.*)?$`);
const KEY_LINE = new RegExp(String.raw`^(\s*)(${KEY_PART}(?:\s*\.\s*${KEY_PART})*)\s*=`);
const KEY_PARTS = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+)/g;

function splitDottedKey(text: string): string[] {
  const parts: string[] = [];
  for (const m of text.matchAll(KEY_PARTS)) {
    if (m[1] !== undefined) parts.push(JSON.parse(`"${m[1]}"`) as string);
    else parts.push(m[2] ?? m[3] ?? "");
  }
  return parts;
}

/** Whether a line opens or closes a multi-line string (an odd number of triple quotes). */
function togglesMultiline(line: string): boolean {
  const count = (line.match(/"""|'''/g) ?? []).length;
  return count % 2 === 1;
}

interface ScanState {
  table: PathSegment[];
  arrayIndex: Map<string, number>;
  found: Map<string, SourcePosition>;
}

function enterHeader(state: ScanState, keys: string[], isArray: boolean, pos: SourcePosition): void {
  const table: PathSegment[] = [];
  keys.forEach((key, i) => {
    table.push(key);
    const index = state.arrayIndex.get(pathToString(table));
    if (i < keys.length - 1 && index !== undefined) table.push(index);
  });
  if (isArray) {
    const name = pathToString(table);
    const index = (state.arrayIndex.get(name) ?? -1) + 1;
    state.arrayIndex.set(name, index);
    table.push(index);
  }
  state.table = table;
  const path = pathToString(table);
  if (!state.found.has(path)) state.found.set(path, pos);
}

/**
 * Best-effort map from key path to where the key is written, for error messages.
 * Handles `[table]`, `[[array.of.tables]]` and `key = value` lines; keys inside inline
 * tables are not found, and callers fall back to the nearest enclosing key.
 */
export function locateKeys(source: string): Map<string, SourcePosition> {
  const state: ScanState = { table: [], arrayIndex: new Map(), found: new Map() };
  let inMultiline = false;
  source.split(/\r?\n/).forEach((line, i) => {
    const wasInMultiline = inMultiline;
    if (togglesMultiline(line)) inMultiline = !inMultiline;
    if (wasInMultiline) return;
    const header = HEADER_LINE.exec(line);
    if (header) {
      const pos = { line: i + 1, column: (header[1] ?? "").length + 1 };
      enterHeader(state, splitDottedKey(header[3] ?? ""), header[2] === "[[", pos);
      return;
    }
    const key = KEY_LINE.exec(line);
    if (!key) return;
    const path = pathToString([...state.table, ...splitDottedKey(key[2] ?? "")]);
    if (!state.found.has(path)) state.found.set(path, { line: i + 1, column: (key[1] ?? "").length + 1 });
  });
  return state.found;
}

/** The position of `path`, or of its nearest ancestor that was found. */
export function findPosition(
  found: Map<string, SourcePosition>,
  path: readonly PathSegment[],
): SourcePosition | undefined {
  for (let n = path.length; n > 0; n--) {
    const pos = found.get(pathToString(path.slice(0, n)));
    if (pos) return pos;
  }
  return undefined;
}
