import { parse, stringify } from "smol-toml";
import {
  canonical,
  deepEqual,
  getPath,
  inlineValue,
  isPlainObject,
  leafPaths,
  renderKey,
  type Doc,
} from "./toml-values.ts";
import { samePath, scanLayout, startsWith, type Entry, type Header, type Layout, type Segment } from "./toml-layout.ts";

/** Replace lines [start, end) with `lines`; start === end inserts. */
interface Edit {
  start: number;
  end: number;
  lines: string[];
}

class Edits {
  readonly list: Edit[] = [];
  replace(start: number, end: number, lines: string[]): void {
    this.list.push({ start, end, lines });
  }
  /** Inserts before line `at`; several inserts at one place keep their order. */
  insert(at: number, lines: string[]): void {
    const same = this.list.find((e) => e.start === at && e.end === at);
    if (same) same.lines.push(...lines);
    else this.list.push({ start: at, end: at, lines });
  }
  apply(lines: string[]): string[] {
    const out = [...lines];
    for (const e of [...this.list].sort((a, b) => b.start - a.start || b.end - a.end))
      out.splice(e.start, e.end - e.start, ...e.lines);
    return out;
  }
}

const isCode = (line: string) => line.trim() !== "" && !line.trim().startsWith("#");

/** The line after the last entry or header line of the section that starts at header `h`. */
function contentEnd(layout: Layout, h: Header, within: (p: Segment[]) => boolean): number {
  const next = layout.headers.find((o) => o.line > h.line && !within(o.path));
  const limit = next?.line ?? layout.lines.length;
  let end = h.line + 1;
  for (const e of layout.entries) if (e.start > h.line && e.start < limit) end = Math.max(end, e.end + 1);
  for (const o of layout.headers) if (o.line > h.line && o.line < limit) end = Math.max(end, o.line + 1);
  return end;
}

/** Comment lines directly above line `at` (no blank line between): they describe what follows. */
function leadStart(lines: string[], at: number): number {
  let i = at;
  while (i > 0 && lines[i - 1]!.trim().startsWith("#")) i--;
  return i;
}

function firstArrayLead(layout: Layout): number {
  const first = layout.headers.find((h) => h.array);
  return first ? leadStart(layout.lines, first.line) : layout.lines.length;
}

function keyLine(key: string, value: unknown): string {
  return `${renderKey(key)} = ${inlineValue(value)}`;
}

/** Writes the changed keys of one table (`server`, `router`) in place, keeping every comment. */
function patchTable(layout: Layout, table: string, oldDoc: Doc, newDoc: Doc, edits: Edits): void {
  const paths = new Map<string, Segment[]>();
  for (const p of [...leafPaths(oldDoc[table], [table]), ...leafPaths(newDoc[table], [table])])
    paths.set(JSON.stringify(p), p);
  const inlineOwners = new Set<number>();
  const missing = new Map<string, { path: Segment[]; lines: string[] }>();
  for (const path of paths.values()) {
    const before = getPath(oldDoc, path);
    const after = getPath(newDoc, path);
    if (deepEqual(before, after)) continue;
    const entry = layout.entries.findIndex((e) => samePath(e.path, path));
    const owner = layout.entries.findIndex((e) => e.path.length < path.length && startsWith(path, e.path));
    if (entry >= 0) replaceEntry(layout, entry, after, edits);
    else if (owner >= 0) inlineOwners.add(owner);
    else if (after !== undefined) addKey(layout, path, after, missing, edits);
  }
  for (const owner of inlineOwners) replaceEntry(layout, owner, getPath(newDoc, layout.entries[owner]!.path), edits);
  for (const h of layout.headers) {
    if (startsWith(h.path, [table]) && !h.array && getPath(newDoc, h.path) === undefined)
      edits.replace(h.line, h.line + 1, []);
  }
  insertMissingTables(layout, table, [...missing.values()], edits);
}

/** Keeps a trailing comment in its column when the new value fits before it. */
function alignTrailer(layout: Layout, e: Entry, head: string): string {
  const comment = /^\s+(#.*)$/.exec(e.trailer)?.[1];
  if (!comment) return e.trailer;
  const column = layout.lines[e.end]!.length - comment.length;
  return " ".repeat(Math.max(1, column - head.length)) + comment;
}

function replaceEntry(layout: Layout, index: number, value: unknown, edits: Edits): void {
  const e = layout.entries[index]!;
  const head = value === undefined ? "" : `${e.prefix}${inlineValue(value)}`;
  edits.replace(e.start, e.end + 1, value === undefined ? [] : [head + alignTrailer(layout, e, head)]);
}

function addKey(
  layout: Layout,
  path: Segment[],
  value: unknown,
  missing: Map<string, { path: Segment[]; lines: string[] }>,
  edits: Edits,
): void {
  const parent = path.slice(0, -1);
  const header = layout.headers.find((h) => samePath(h.path, parent));
  if (header) {
    edits.insert(
      contentEnd(layout, header, (p) => samePath(p, parent)),
      [keyLine(String(path.at(-1)), value)],
    );
    return;
  }
  const sibling = layout.entries.find((e) => samePath(e.path.slice(0, -1), parent));
  if (sibling) {
    const table = [...layout.headers].reverse().find((h) => h.line < sibling.start)?.path ?? [];
    const dotted = path
      .slice(table.length)
      .map((s) => renderKey(String(s)))
      .join(".");
    edits.insert(sibling.end + 1, [`${dotted} = ${inlineValue(value)}`]);
    return;
  }
  const key = JSON.stringify(parent);
  const group = missing.get(key) ?? { path: parent, lines: [] };
  group.lines.push(keyLine(String(path.at(-1)), value));
  missing.set(key, group);
}

/** New `[server.timeouts]`-style sections go after their closest existing ancestor section. */
function insertMissingTables(
  layout: Layout,
  table: string,
  groups: { path: Segment[]; lines: string[] }[],
  edits: Edits,
): void {
  for (const group of groups.sort((a, b) => a.path.length - b.path.length)) {
    const ancestor = [...layout.headers]
      .reverse()
      .find((h) => !h.array && startsWith(group.path, h.path) && startsWith(h.path, [table]));
    const at = ancestor ? contentEnd(layout, ancestor, (p) => startsWith(p, ancestor.path)) : firstArrayLead(layout);
    const header = `[${group.path.map((s) => renderKey(String(s))).join(".")}]`;
    edits.insert(at, ["", header, ...group.lines]);
  }
}

interface Block {
  index: number;
  lead: number;
  header: number;
  end: number;
}

function arrayBlocks(layout: Layout, name: string): Block[] {
  return layout.headers
    .filter((h) => h.array && h.path.length === 2 && h.path[0] === name)
    .map((h) => {
      const index = h.path[1] as number;
      return {
        index,
        lead: leadStart(layout.lines, h.line),
        header: h.line,
        end: contentEnd(layout, h, (p) => startsWith(p, [name, index])),
      };
    });
}

function renderElement(name: string, element: unknown): string[] {
  return stringify({ [name]: [element] })
    .trimEnd()
    .split("\n");
}

function nameOf(value: unknown): unknown {
  return isPlainObject(value) ? value.name : undefined;
}

/** Unchanged `[[providers]]`/`[[models]]` elements keep their text; changed ones are rewritten under their own comments. */
function patchArray(layout: Layout, name: string, oldDoc: Doc, newDoc: Doc, edits: Edits): void {
  const before = Array.isArray(oldDoc[name]) ? (oldDoc[name] as unknown[]) : [];
  const after = Array.isArray(newDoc[name]) ? (newDoc[name] as unknown[]) : [];
  if (deepEqual(before, after)) return;
  const inline = layout.entries.findIndex((e) => samePath(e.path, [name]));
  if (inline >= 0) return replaceEntry(layout, inline, after.length ? after : undefined, edits);
  const blocks = arrayBlocks(layout, name);
  const unused = new Set(blocks);
  const pieces = after.map((element) => {
    const match = [...unused].find(
      (b) => nameOf(before[b.index]) !== undefined && nameOf(before[b.index]) === nameOf(element),
    );
    if (!match) return renderElement(name, element);
    unused.delete(match);
    if (deepEqual(before[match.index], element)) return layout.lines.slice(match.lead, match.end);
    return [...layout.lines.slice(match.lead, match.header), ...renderElement(name, element)];
  });
  const text = pieces.flatMap((p, i) => (i === 0 ? p : ["", ...p]));
  for (const [i, b] of blocks.entries()) edits.replace(b.lead, b.end, i === 0 ? text : []);
  if (blocks.length === 0 && text.length) edits.insert(insertionPoint(layout, name), ["", ...text]);
}

function insertionPoint(layout: Layout, name: string): number {
  const models = layout.headers.find((h) => h.array && h.path[0] === "models");
  if (name === "providers" && models) return leadStart(layout.lines, models.line);
  let end = layout.lines.length;
  while (end > 0 && layout.lines[end - 1]!.trim() === "") end--;
  return end;
}

/** The comment block at the top of the file, kept even when the whole file has to be regenerated. */
function leadingComments(lines: string[]): string[] {
  const first = lines.findIndex(isCode);
  return lines.slice(0, first < 0 ? lines.length : first);
}

export interface Rewritten {
  text: string;
  /** True when the layout defeated the in-place edit and the file was regenerated (only its leading comments kept). */
  regenerated: boolean;
}

/**
 * `oldText` rewritten so that it parses to `newDoc`, changing only what changed: keys of
 * `[server]`/`[router]` are replaced in place, `[[providers]]`/`[[models]]` elements only when
 * they differ. If the result does not parse back to `newDoc` (an unusual layout), the file is
 * regenerated whole under its leading comment block.
 */
export function rewriteToml(oldText: string, newDoc: Doc): Rewritten {
  const layout = scanLayout(oldText);
  const oldDoc = parse(oldText) as Doc;
  const edits = new Edits();
  for (const table of ["server", "router"]) patchTable(layout, table, oldDoc, newDoc, edits);
  for (const name of ["providers", "models"]) patchArray(layout, name, oldDoc, newDoc, edits);
  const text = edits.apply(layout.lines).join("\n");
  if (parsesTo(text, newDoc)) return { text, regenerated: false };
  const head = leadingComments(layout.lines).join("\n");
  return { text: `${head}${head ? "\n" : ""}${stringify(newDoc)}`, regenerated: true };
}

function parsesTo(text: string, doc: Doc): boolean {
  try {
    return canonical(parse(text)) === canonical(doc);
  } catch {
    return false;
  }
}
