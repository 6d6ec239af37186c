import { posix, win32 } from "node:path";
import { ConfigError } from "../util/errors.ts";

/** Environment variables, passed in so path resolution is pure and testable. */
export type Env = Record<string, string | undefined>;

export interface PathOptions {
  /** The `--config PATH` flag, when given. */
  flag?: string;
  env: Env;
  /** Defaults to the running platform; tests pass "win32" or "linux". */
  platform?: string;
}

export interface AllPaths {
  config: string;
  tokens: string;
  /** The SQLite file: usage history, and other state that outlives a restart. */
  database: string;
  state: string;
  logs: string;
}

const APP = "ccmux";

function currentPlatform(): string {
  return globalThis.process?.platform ?? "linux";
}

/** An env value that is set and not empty. */
function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

/** An XDG base dir variable; the spec says relative values are invalid and must be ignored. */
function xdgDir(env: Env, name: string): string | undefined {
  const value = nonEmpty(env, name);
  return value !== undefined && posix.isAbsolute(value) ? value : undefined;
}

function homeDir(env: Env): string {
  const home = nonEmpty(env, "HOME") ?? nonEmpty(env, "USERPROFILE");
  if (home === undefined) throw new ConfigError("cannot find the home directory: set HOME (or CCMUX_HOME)");
  return home;
}

function windowsAppData(env: Env, name: "APPDATA" | "LOCALAPPDATA"): string {
  const fallback = name === "APPDATA" ? "Roaming" : "Local";
  return nonEmpty(env, name) ?? win32.join(homeDir(env), "AppData", fallback);
}

function joinFor(platform: string): (...parts: string[]) => string {
  return platform === "win32" ? win32.join : posix.join;
}

/** `--config`, else `$CCMUX_CONFIG`, else `$CCMUX_HOME/config.toml`, else the XDG/APPDATA config dir. */
export function configPath(opts: PathOptions): string {
  const platform = opts.platform ?? currentPlatform();
  const join = joinFor(platform);
  const { env } = opts;
  if (opts.flag) return opts.flag;
  const explicit = nonEmpty(env, "CCMUX_CONFIG");
  if (explicit !== undefined) return explicit;
  const home = nonEmpty(env, "CCMUX_HOME");
  if (home !== undefined) return join(home, "config.toml");
  if (platform === "win32") return join(windowsAppData(env, "APPDATA"), APP, "config.toml");
  const base = xdgDir(env, "XDG_CONFIG_HOME") ?? join(homeDir(env), ".config");
  return join(base, APP, "config.toml");
}

interface DirSpec {
  xdgVar: "XDG_DATA_HOME" | "XDG_STATE_HOME";
  /** Under HOME when the XDG variable is unset. */
  xdgDefault: [string, string];
  windowsVar: "APPDATA" | "LOCALAPPDATA";
  windowsLeaf: string;
}

function appDir(env: Env, platform: string, spec: DirSpec): string {
  const join = joinFor(platform);
  const home = nonEmpty(env, "CCMUX_HOME");
  if (home !== undefined) return home;
  if (platform === "win32") return join(windowsAppData(env, spec.windowsVar), APP, spec.windowsLeaf);
  const base = xdgDir(env, spec.xdgVar) ?? join(homeDir(env), ...spec.xdgDefault);
  return join(base, APP);
}

export const DATABASE_FILE_NAME = "ccmux.db";

/** Where the token store lives: never the config dir, so a dotfiles repo holding config.toml holds no tokens. */
export function dataDir(env: Env, platform: string = currentPlatform()): string {
  return appDir(env, platform, {
    xdgVar: "XDG_DATA_HOME",
    xdgDefault: [".local", "share"],
    windowsVar: "APPDATA",
    windowsLeaf: "data",
  });
}

/** PID files and logs. */
export function stateDir(env: Env, platform: string = currentPlatform()): string {
  return appDir(env, platform, {
    xdgVar: "XDG_STATE_HOME",
    xdgDefault: [".local", "state"],
    windowsVar: "LOCALAPPDATA",
    windowsLeaf: "state",
  });
}

export function allPaths(opts: PathOptions): AllPaths {
  const platform = opts.platform ?? currentPlatform();
  const join = joinFor(platform);
  const state = stateDir(opts.env, platform);
  return {
    config: configPath({ ...opts, platform }),
    tokens: join(dataDir(opts.env, platform), "oauth_tokens.json"),
    database: join(dataDir(opts.env, platform), DATABASE_FILE_NAME),
    state,
    logs: join(state, "logs"),
  };
}
