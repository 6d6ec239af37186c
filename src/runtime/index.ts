export { runtime } from "#runtime";
export type { FileInfo, LineReader, Runtime, RunningServer, ServeOptions } from "./types.ts";
