import type { Env } from "../../config/paths.ts";
import type { ServerTarget } from "../../lifecycle/target.ts";
import type { ConfigView } from "./config-view.ts";

export type CheckStatus = "ok" | "info" | "warn" | "fail";

/** One finding of `ccmux doctor`: what was checked, what was found, and the one line that fixes it. */
export interface Check {
  /** Stable name for scripts, e.g. "claude", "env:OPENROUTER_API_KEY", "router.think". */
  id: string;
  status: CheckStatus;
  message: string;
  fix?: string;
}

/** What every group of checks reads: gathered once. */
export interface DoctorInputs {
  env: Env;
  platform: string;
  target: ServerTarget;
  configExists: boolean;
  /** The config as far as it could be read; undefined when there is no file or no valid TOML. */
  view?: ConfigView;
}

export const ok = (id: string, message: string): Check => ({ id, status: "ok", message });
export const info = (id: string, message: string, fix?: string): Check => ({ id, status: "info", message, fix });
export const warn = (id: string, message: string, fix?: string): Check => ({ id, status: "warn", message, fix });
export const fail = (id: string, message: string, fix: string): Check => ({ id, status: "fail", message, fix });
