import type { SyncFiles } from "../runtime/index.ts";

/** 10 MB a file, 5 files: ccmux.log and ccmux.log.1 … ccmux.log.4 (the oldest). */
export const LOG_FILE_MAX_BYTES = 10 * 1024 * 1024;
export const LOG_FILES_KEPT = 5;

export interface RotatingFileOptions {
  path: string;
  files: SyncFiles;
  maxBytes?: number;
  /** How many files in all, the live one included. */
  keep?: number;
}

export interface RotatingFile {
  write(text: string): void;
  close(): void;
}

/**
 * A log file with size-based rotation. A write that would take the file past `maxBytes` first
 * shifts ccmux.log → .1 → .2 … (the oldest dropped), then goes whole into a fresh file: a line is
 * never split across files, and every step is synchronous, so nothing written is lost or reordered.
 * Files are mode 0600 in a 0700 directory.
 */
export function createRotatingFile(opts: RotatingFileOptions): RotatingFile {
  const { path, files } = opts;
  const maxBytes = opts.maxBytes ?? LOG_FILE_MAX_BYTES;
  const keep = Math.max(1, opts.keep ?? LOG_FILES_KEPT);
  let handle = files.openAppend(path, 0o600);
  let size = files.sizeOf(path) ?? 0;

  function rotate(): void {
    handle.close();
    if (keep === 1) files.removeIfExists(path);
    else {
      files.removeIfExists(`${path}.${keep - 1}`);
      for (let i = keep - 2; i >= 1; i--) files.renameIfExists(`${path}.${i}`, `${path}.${i + 1}`);
      files.renameIfExists(path, `${path}.1`);
    }
    handle = files.openAppend(path, 0o600);
    size = 0;
  }

  return {
    write(text) {
      const bytes = Buffer.byteLength(text);
      if (size > 0 && size + bytes > maxBytes) rotate();
      handle.write(text);
      size += bytes;
    },
    close: () => handle.close(),
  };
}
