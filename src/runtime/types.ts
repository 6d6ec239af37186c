import type { ReadFrom, SyncFiles } from "./append-file.ts";

export interface ServeOptions {
  hostname: string;
  port: number;
  fetch: (req: Request) => Response | Promise<Response>;
  onListen?: (addr: { hostname: string; port: number }) => void;
}

export interface RunningServer {
  readonly hostname: string;
  readonly port: number;
  /** Stop accepting; resolves when in-flight requests finished or `graceMs` elapsed. */
  stop(graceMs?: number): Promise<void>;
}

export interface FileInfo {
  mtimeMs: number;
  size: number;
  ino: number;
  mode: number;
}

export interface LineReader {
  /** The next line without its newline; null at end of input (or after close). */
  next(): Promise<string | null>;
  /** Stop reading and release stdin so the process can exit. */
  close(): void;
}

export type ProcessEnv = Record<string, string | undefined>;

export interface RunOptions {
  env?: ProcessEnv;
  /** "inherit" shares this terminal (for claude); "pipe" captures the output. */
  stdio: "inherit" | "pipe";
}

export interface CommandResult {
  /** The exit code; 128 + signal number when killed by a signal. */
  code: number;
  stdout: string;
  stderr: string;
}

export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlRow = Record<string, SqlValue>;

/** A prepared statement with positional `?` parameters. */
export interface SqlStatement {
  run(...params: SqlValue[]): void;
  all(...params: SqlValue[]): SqlRow[];
}

/** The part of SQLite ccmux uses: the same under bun:sqlite and node:sqlite. Calls are synchronous. */
export interface Database {
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  close(): void;
}

export interface Runtime {
  readonly name: "bun" | "deno";
  serve(opts: ServeOptions): Promise<RunningServer>;
  readText(path: string): Promise<string | undefined>;
  /** Atomic write: temp file in the same dir, chmod, rename. The dir is created with `dirMode`. */
  writeFileAtomic(path: string, data: string, opts?: { mode?: number; dirMode?: number }): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** The path with every symlink resolved; `path` itself when it does not exist (or dangles). */
  realPath(path: string): Promise<string>;
  fileMode(path: string): Promise<number | undefined>;
  mkdir(path: string, mode?: number): Promise<void>;
  /** Create a file only if it does not exist (O_EXCL); false when it already exists. */
  createExclusive(path: string, data: string, mode?: number): Promise<boolean>;
  fileInfo(path: string): Promise<FileInfo | undefined>;
  rename(from: string, to: string): Promise<void>;
  /** Reads stdin line by line (pasted OAuth codes). */
  stdinLines(): LineReader;
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  onSignal(signal: "SIGINT" | "SIGTERM" | "SIGHUP", handler: () => void): () => void;
  env(name: string): string | undefined;
  envAll(): Record<string, string | undefined>;
  setEnv(name: string, value: string): void;
  args(): string[];
  exit(code: number): never;
  pid(): number;
  execPath(): string;
  openBrowser(url: string): Promise<boolean>;
  isTTY(fd: "stdin" | "stdout"): boolean;
  memoryRss(): number;
  version(): string;
  /** The argv prefix that runs this ccmux again: the compiled binary, or the runtime plus src/main.ts. */
  selfCommand(): string[];
  /** Starts a process in its own session with output appended to `logFile`; resolves to its pid. */
  spawnDetached(argv: string[], opts: { env?: ProcessEnv; logFile: string; cwd?: string }): Promise<number>;
  run(argv: string[], opts: RunOptions): Promise<CommandResult>;
  processAlive(pid: number): boolean;
  /** False when there is no such process. */
  kill(pid: number, signal: "SIGTERM" | "SIGKILL"): boolean;
  processCommand(pid: number): Promise<string | undefined>;
  uid(): number | undefined;
  /** Synchronous appends, sizes and renames, for the rotating log file. */
  syncFiles: SyncFiles;
  /** A file's bytes from `start` to its end, and its inode; undefined when it does not exist. */
  readFrom(path: string, start: number): Promise<ReadFrom | undefined>;
  /** Opens (creating when missing) an SQLite database file: bun:sqlite under Bun, node:sqlite under Deno. */
  openDatabase(path: string): Database;
}
