import { chmod, mkdir, rename, rm, stat, writeFile, open } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import { spawn } from "node:child_process";

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
