export { runtime } from "#runtime";
export type {
  CommandResult,
  Database,
  SqlRow,
  SqlStatement,
  SqlValue,
  FileInfo,
  LineReader,
  ProcessEnv,
  Runtime,
  RunningServer,
  ServeOptions,
} from "./types.ts";
export type { AppendHandle, ReadFrom, SyncFiles } from "./append-file.ts";
