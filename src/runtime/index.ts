export { runtime } from "#runtime";
export type { CommandResult, FileInfo, LineReader, ProcessEnv, Runtime, RunningServer, ServeOptions } from "./types.ts";
