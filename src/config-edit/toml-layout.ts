/**
 * A line-level map of a TOML file: which lines are table headers, key/value entries (with
 * the concrete key path each one sets), comments or blanks. The admin API edits config.toml
 * through this map so that the comments and layout of everything it does not change survive.
 */
export type Segment = string | number;

export interface Header {
  line: number;
  /** Concrete path, array-of-tables elements by index: ["models", 1, "mappings", 0]. */
  path: Segment[];
  array: boolean;
}

export interface Entry {
  /** First and last line of the entry (a multi-line array spans several). */
  start: number;
  end: number;
  path: Segment[];
  /** Text before the value on the first line (`key = `) and after it on the last (`  # note`). */
  prefix: string;
  trailer: string;
}

export interface Layout {
  lines: string[];
  headers: Header[];
  entries: Entry[];
}

interface Scan {
  /** Where the value ended: line and column just past its last character. */
  line: number;
  col: number;
}

/** The index just past the closing `quote`, searching from `from` (just after the opener); -1 if not on this line. */
function findClose(text: string, from: number, quote: string): number {
  let j = from;
  while (j < text.length) {
    if (quote.startsWith('"') && text[j] === "\\") j += 2;
    else if (text.startsWith(quote, j)) return j + quote.length;
    else j++;
  }
  return -1;
}

function quoteAt(text: string, i: number): string | undefined {
  for (const q of ['"""', "'''", '"', "'"]) if (text.startsWith(q, i)) return q;
  return undefined;
}

/** Finds the end of the value that starts at (line, col), following arrays, inline tables and multi-line strings. */
function scanValue(lines: string[], line: number, col: number): Scan {
  let depth = 0;
  let lastCode = { line, col };
  let open: string | undefined;
  for (let l = line; l < lines.length; l++) {
    const text = lines[l]!;
    let i = l === line ? col : 0;
    while (i < text.length) {
      if (open) {
        const end = findClose(text, i, open);
        if (end < 0) break;
        i = end;
        open = undefined;
        lastCode = { line: l, col: i };
        continue;
      }
      const ch = text[i]!;
      if (ch === "#") break;
      const q = quoteAt(text, i);
      if (q) {
        const end = findClose(text, i + q.length, q);
        if (end < 0 && q.length === 1) return { line: l, col: text.length };
        if (end < 0) {
          open = q;
          break;
        }
        i = end;
        lastCode = { line: l, col: i };
        continue;
      }
      if (ch === "[" || ch === "{") depth++;
      else if (ch === "]" || ch === "}") depth--;
      if (!/\s/.test(ch)) lastCode = { line: l, col: i + 1 };
      i++;
    }
    if (!open && depth <= 0) return lastCode;
  }
  return lastCode;
}

/** Splits a (possibly dotted, possibly quoted) key into its parts. */
export function parseKey(raw: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < raw.length && (m = re.exec(raw))) {
    parts.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : (m[2] ?? m[3]!));
    if (m[4] === "") break;
  }
  return parts;
}

/** The `=` that ends the key on an entry line, skipping quoted key parts. */
function equalsIndex(text: string): number {
  let i = 0;
  while (i < text.length) {
    const q = quoteAt(text, i);
    if (q) {
      const end = findClose(text, i + q.length, q);
      if (end < 0) return -1;
      i = end;
    } else if (text[i] === "=") return i;
    else i++;
  }
  return -1;
}

class PathResolver {
  private counts = new Map<string, number>();

  resolve(parts: string[], array: boolean): Segment[] {
    const out: Segment[] = [];
    parts.forEach((part, i) => {
      out.push(part);
      const key = JSON.stringify(out);
      const last = i === parts.length - 1;
      if (last && array) {
        const n = this.counts.get(key) ?? 0;
        this.counts.set(key, n + 1);
        out.push(n);
      } else if (this.counts.has(key)) out.push(this.counts.get(key)! - 1);
    });
    return out;
  }
}

const HEADER = /^\s*(\[\[?)(.*?)(\]\]?)\s*(#.*)?$/;

export function scanLayout(text: string): Layout {
  const lines = text.split("\n");
  const layout: Layout = { lines, headers: [], entries: [] };
  const resolver = new PathResolver();
  let table: Segment[] = [];
  for (let l = 0; l < lines.length; l++) {
    const trimmed = lines[l]!.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const header = trimmed.startsWith("[") ? HEADER.exec(lines[l]!) : null;
    if (header) {
      const array = header[1] === "[[";
      table = resolver.resolve(parseKey(header[2]!), array);
      layout.headers.push({ line: l, path: table, array });
      continue;
    }
    const eq = equalsIndex(lines[l]!);
    if (eq < 0) continue;
    const valueStart = eq + 1 + (lines[l]!.slice(eq + 1).length - lines[l]!.slice(eq + 1).trimStart().length);
    const end = scanValue(lines, l, valueStart);
    const prefix = lines[l]!.slice(0, valueStart);
    layout.entries.push({
      start: l,
      end: end.line,
      path: [...table, ...parseKey(lines[l]!.slice(0, eq))],
      prefix,
      trailer: lines[end.line]!.slice(end.col),
    });
    l = end.line;
  }
  return layout;
}

export function samePath(a: Segment[], b: Segment[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

export function startsWith(path: Segment[], prefix: Segment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}
