import { chmod, mkdir, realpath, rename, rm, stat, writeFile, open } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { FileInfo, LineReader, Runtime } from "./types.ts";
import { readFromNode, syncFilesNode } from "./append-file.ts";

/** File helpers on node:fs, which both Bun and Deno implement. */
export async function writeFileAtomicNode(
  path: string,
  data: string,
  opts: { mode?: number; dirMode?: number } = {},
): Promise<void> {
  const mode = opts.mode ?? 0o600;
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: opts.dirMode ?? 0o700 });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${crypto.randomUUID()}.tmp`);
  try {
    const fh = await open(tmp, "wx", mode);
    try {
      await fh.chmod(mode);
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function realPathNode(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return path;
    throw err;
  }
}

export async function fileModeNode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return undefined;
  }
}

export async function mkdirNode(path: string, mode = 0o700): Promise<void> {
  await mkdir(path, { recursive: true, mode });
}

export async function removeNode(path: string): Promise<void> {
  await rm(path, { force: true });
}

export async function chmodNode(path: string, mode: number): Promise<void> {
  await chmod(path, mode);
}

export async function writeFileNode(path: string, data: string): Promise<void> {
  await writeFile(path, data);
}

export function openBrowserNode(url: string): Promise<boolean> {
  const cmd = process.platform === "darwin" ? "open" : process.platform === "win32" ? "cmd" : "xdg-open";
  const args = process.platform === "win32" ? ["/c", "start", "", url] : [url];
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, { stdio: "ignore", detached: true });
      child.on("error", () => resolve(false));
      child.on("spawn", () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

export function onSignalNode(signal: NodeJS.Signals, handler: () => void): () => void {
  process.on(signal, handler);
  return () => process.off(signal, handler);
}

/** O_EXCL create; false when the file already exists. */
export async function createExclusiveNode(path: string, data: string, mode = 0o600): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let fh;
  try {
    fh = await open(path, "wx", mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
  return true;
}

export async function fileInfoNode(path: string): Promise<FileInfo | undefined> {
  try {
    const s = await stat(path);
    return { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino, mode: s.mode & 0o777 };
  } catch {
    return undefined;
  }
}

export async function renameNode(from: string, to: string): Promise<void> {
  await rename(from, to);
}

/** Lines from stdin, one at a time; `close()` releases stdin so the process can exit. */
export function stdinLinesNode(): LineReader {
  const stdin = process.stdin;
  const lines: string[] = [];
  const waiters: ((line: string | null) => void)[] = [];
  let buffer = "";
  let ended = false;
  const push = (line: string | null) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else if (line !== null) lines.push(line);
  };
  const onData = (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      push(buffer.slice(0, i).replace(/\r$/, ""));
      buffer = buffer.slice(i + 1);
    }
  };
  const onEnd = () => {
    if (buffer) push(buffer);
    buffer = "";
    ended = true;
    while (waiters.length) push(null);
  };
  stdin.setEncoding("utf8");
  stdin.on("data", onData);
  stdin.on("end", onEnd);
  stdin.on("error", onEnd);
  return {
    next: () =>
      lines.length
        ? Promise.resolve(lines.shift()!)
        : ended
          ? Promise.resolve(null)
          : new Promise((r) => waiters.push(r)),
    close() {
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      stdin.off("error", onEnd);
      stdin.pause();
      stdin.destroy();
      onEnd();
    },
  };
}

/** The Runtime members both runtimes implement through node:fs / node:process. */
export const nodeFileOps = {
  writeFileAtomic: writeFileAtomicNode,
  realPath: realPathNode,
  chmod: chmodNode,
  fileMode: fileModeNode,
  mkdir: mkdirNode,
  createExclusive: createExclusiveNode,
  fileInfo: fileInfoNode,
  rename: renameNode,
  stdinLines: stdinLinesNode,
  remove: removeNode,
  exists: async (path: string) => existsSync(path),
  onSignal: onSignalNode,
  openBrowser: openBrowserNode,
  syncFiles: syncFilesNode,
  readFrom: readFromNode,
} satisfies Partial<Runtime>;
