import { chmodSync, closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";

/** A file opened for appending; each write is handed to the OS before it returns (no buffer to lose). */
export interface AppendHandle {
  write(text: string): void;
  close(): void;
}

/** Synchronous file steps for the log file, so rotation and writes keep their order in one process. */
export interface SyncFiles {
  /** Opens `path` for appending, creating it (and its directory, 0700) with `mode`; an existing file is set to `mode`. */
  openAppend(path: string, mode: number): AppendHandle;
  sizeOf(path: string): number | undefined;
  /** Renames when `from` exists; false when it did not. */
  renameIfExists(from: string, to: string): boolean;
  removeIfExists(path: string): void;
}

function openAppend(path: string, mode: number): AppendHandle {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, "a", mode);
  chmodSync(path, mode);
  return {
    write(text) {
      const bytes = Buffer.from(text);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    },
    close: () => closeSync(fd),
  };
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function renameIfExists(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

export const syncFilesNode: SyncFiles = {
  openAppend,
  sizeOf,
  renameIfExists,
  removeIfExists: (path) => rmSync(path, { force: true }),
};

/** What `readFrom` read, and the inode it read it from (a rotation renames files under a reader). */
export interface ReadFrom {
  bytes: Uint8Array;
  ino: number;
}

/** Bytes `start`…end of a file; undefined when it does not exist. */
export async function readFromNode(path: string, start: number): Promise<ReadFrom | undefined> {
  let fh;
  try {
    fh = await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const { size, ino } = await fh.stat();
    const length = Math.max(0, size - start);
    const buf = new Uint8Array(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await fh.read(buf, read, length - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return { bytes: buf.subarray(0, read), ino };
  } finally {
    await fh.close();
  }
}
