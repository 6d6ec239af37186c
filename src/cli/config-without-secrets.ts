import { resolve } from "node:path";
import { embeddedDefaultConfig, loadConfigFile } from "../config/load.ts";
import { configPath, type Env } from "../config/paths.ts";
import type { Config } from "../config/types.ts";
import { runtime } from "../runtime/index.ts";

/** Every `$VAR` reads as set: commands that send nothing upstream (`route`, `usage`) need no secrets. */
function envWithoutSecrets(env: Env): Env {
  return new Proxy(env, { get: (target, name) => (typeof name === "string" ? (target[name] ?? "unset") : undefined) });
}

/** The config `--config` / `$CCMUX_CONFIG` names (else the embedded default), read without its secrets. */
export async function loadConfigWithoutSecrets(flag: string | undefined): Promise<{ config: Config; path: string }> {
  const env = runtime.envAll();
  const path = resolve(configPath({ flag, env }));
  const loaded = await loadConfigFile(path, envWithoutSecrets(env));
  return { config: loaded?.config ?? embeddedDefaultConfig(), path: loaded ? path : "embedded default" };
}
