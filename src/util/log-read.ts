import type { FileInfo, ReadFrom } from "../runtime/index.ts";
import { LOG_FILES_KEPT } from "./log-file.ts";

/** The two file reads the log reader needs (the runtime's). */
export interface LogFiles {
  readFrom(path: string, start: number): Promise<ReadFrom | undefined>;
  fileInfo(path: string): Promise<FileInfo | undefined>;
}

function linesOf(bytes: Uint8Array): string[] {
  const text = new TextDecoder().decode(bytes);
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** Where a reader is in the live file. */
export interface Position {
  ino: number;
  offset: number;
}

/**
 * The last `n` lines of the log, reaching back into ccmux.log.1, .2 … when the live file holds
 * fewer, and where the live file ended, for `followLog` to carry on from without a gap.
 */
export async function lastLines(
  path: string,
  n: number,
  files: LogFiles,
  keep = LOG_FILES_KEPT,
): Promise<{ lines: string[]; end: Position }> {
  const live = await files.readFrom(path, 0);
  const end = { ino: live?.ino ?? -1, offset: live?.bytes.length ?? 0 };
  let lines = live ? linesOf(live.bytes) : [];
  for (let i = 1; i < keep && lines.length < n; i++) {
    const read = await files.readFrom(`${path}.${i}`, 0);
    if (read) lines = [...linesOf(read.bytes), ...lines];
  }
  return { lines: n > 0 ? lines.slice(-n) : [], end };
}

export interface FollowOptions {
  files: LogFiles;
  /** Called with whole lines (each ending in "\n") as they are written. */
  onText(text: string): void;
  signal?: AbortSignal;
  pollMs?: number;
  /** Where to start (from `lastLines`); default: the file's end now. */
  from?: Position;
  /** Called once the starting point is taken. */
  onStart?(): void;
}

/** Lines complete so far; a partial last line waits for its newline. */
function lineBuffer(onText: (text: string) => void) {
  let pending = "";
  const decoder = new TextDecoder();
  return (bytes: Uint8Array) => {
    pending += decoder.decode(bytes, { stream: true });
    const cut = pending.lastIndexOf("\n") + 1;
    if (cut > 0) onText(pending.slice(0, cut));
    pending = pending.slice(cut);
  };
}

/** After a rotation: the rest of the file being read (renamed to `path.k`), then the newer rotated files. */
async function drainRotated(path: string, at: Position, files: LogFiles, emit: (b: Uint8Array) => void) {
  for (let k = 1; k < LOG_FILES_KEPT; k++) {
    const info = await files.fileInfo(`${path}.${k}`);
    if (info?.ino !== at.ino) continue;
    for (let j = k; j >= 1; j--) {
      const read = await files.readFrom(`${path}.${j}`, j === k ? at.offset : 0);
      if (read) emit(read.bytes);
    }
    return;
  }
}

/** One look at the file: new bytes are emitted; after a rotation what was not read yet, then the new file. */
async function step(path: string, at: Position, files: LogFiles, emit: (b: Uint8Array) => void): Promise<Position> {
  const info = await files.fileInfo(path);
  if (!info) return at;
  if (info.ino !== at.ino) {
    await drainRotated(path, at, files, emit);
    return { ino: info.ino, offset: 0 };
  }
  if (info.size < at.offset) return { ino: at.ino, offset: 0 };
  if (info.size === at.offset) return at;
  const read = await files.readFrom(path, at.offset);
  if (!read || read.ino !== at.ino) return at;
  emit(read.bytes);
  return { ino: at.ino, offset: at.offset + read.bytes.length };
}

/** Follows the log from its current end, across rotations, until `signal` aborts. */
export async function followLog(path: string, opts: FollowOptions): Promise<void> {
  const info = opts.from ? undefined : await opts.files.fileInfo(path);
  let at: Position = opts.from ?? { ino: info?.ino ?? -1, offset: info?.size ?? 0 };
  const emit = lineBuffer(opts.onText);
  opts.onStart?.();
  while (!opts.signal?.aborted) {
    const next = await step(path, at, opts.files, emit);
    const moved = next.ino !== at.ino || next.offset !== at.offset;
    at = next;
    if (!moved) await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}
