export { runtime } from "#runtime";
export type { Runtime, RunningServer, ServeOptions } from "./types.ts";
