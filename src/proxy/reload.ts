import { parseConfig } from "../config/load.ts";
import type { Env } from "../config/paths.ts";
import type { Config } from "../config/types.ts";
import { runtime, type FileInfo } from "../runtime/index.ts";
import { levelNumber, type Logger } from "../util/log.ts";
import type { AppDeps, DepsHolder } from "./deps.ts";
import { TRACE_NOTICE, traceOn } from "./debug-log.ts";
import { configChanges } from "./config-diff.ts";

/** Command-line values that win over the file, on every load. */
export interface ServerOverrides {
  host?: string;
  port?: number;
  logLevel?: string;
}

export interface ReloaderOptions {
  path: string;
  current(): AppDeps;
  /** Makes `next` the deps new requests get; in-flight requests keep the deps they started with. */
  swap(next: AppDeps): void;
  /** Builds deps for a new config, carrying over per-server state (health, connect cache, bound address). */
  build(config: Config): AppDeps;
  log: Logger;
  env?: () => Env;
  overrides?: ServerOverrides;
  /** How often the file is checked. Default 1000 ms. */
  pollMs?: number;
}

export interface ReloadOutcome {
  ok: boolean;
  /** Why the old config was kept (already logged). */
  error?: string;
}

export interface Reloader {
  /** Re-reads the file; unchanged text is skipped unless `force`. A bad file keeps the old config. */
  reload(reason: string, force?: boolean): Promise<ReloadOutcome>;
  /** Starts watching the file (polling its size, mtime and inode, so editors that replace it are seen); resolves once watching. */
  start(): Promise<void>;
  stop(): void;
}

export function applyOverrides(config: Config, overrides: ServerOverrides = {}): Config {
  const server = { ...config.server };
  if (overrides.host !== undefined) server.host = overrides.host;
  if (overrides.port !== undefined) server.port = overrides.port;
  return { ...config, server };
}

function signature(info: FileInfo | undefined): string {
  return info ? `${info.mtimeMs}:${info.size}:${info.ino}` : "missing";
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Tokens written by `ccmux auth` since the last look (credential sources also re-check on use). */
async function reloadTokens(deps: AppDeps, log: Logger): Promise<void> {
  try {
    await deps.auth?.store.reload();
  } catch (err) {
    log.warn(`token store: ${errorText(err)}`);
  }
}

/** The address the server was started on: the config's, and the port it really bound. */
interface Listening {
  host: string;
  port: number;
  shown: string;
}

function listeningOf(deps: AppDeps): Listening {
  const { host, port } = deps.config.server;
  return { host, port, shown: `${host}:${deps.bound?.port ?? port}` };
}

/**
 * Says what a reload cannot change: host/port are compared with the address the server listens
 * on (not with the previous file), so changing the port and changing it back says it matches again.
 */
function noteAddress(log: Logger, listening: Listening, prev: Config, next: Config): void {
  const same = (c: Config) => c.server.host === listening.host && c.server.port === listening.port;
  const moved = prev.server.host !== next.server.host || prev.server.port !== next.server.port;
  if (!moved) return;
  if (same(next))
    log.info(`server.host/port back to ${listening.host}:${listening.port}, the address ccmux listens on`);
  else
    log.warn(
      `server.host/port changed to ${next.server.host}:${next.server.port}; that needs a restart (still listening on ${listening.shown})`,
    );
}

/** Applies the new log level unless the command line set one. */
function applySideEffects(opts: ReloaderOptions, listening: Listening, prev: Config, next: Config): void {
  noteAddress(opts.log, listening, prev, next);
  if (!opts.overrides?.logLevel && prev.server.log_level !== next.server.log_level) {
    opts.log.level = levelNumber(next.server.log_level);
    if (traceOn(opts.log)) opts.log.warn(TRACE_NOTICE);
  }
}

/** Config text → the deps to swap in; throws (with the loader's file:line:column message) when refused. */
async function prepare(opts: ReloaderOptions, listening: Listening, text: string): Promise<AppDeps> {
  const prev = opts.current();
  const loaded = parseConfig(text, { path: opts.path, env: opts.env?.() ?? runtime.envAll() });
  for (const warning of loaded.warnings) opts.log.warn(warning);
  const config = applyOverrides(loaded.config, opts.overrides);
  await reloadTokens(prev, opts.log);
  const next = opts.build(config);
  applySideEffects(opts, listening, prev.config, config);
  return next;
}

async function readConfigText(path: string): Promise<{ text?: string; error?: string }> {
  try {
    const text = await runtime.readText(path);
    return text === undefined ? { error: `${path} does not exist` } : { text };
  } catch (err) {
    return { error: `cannot read ${path}: ${errorText(err)}` };
  }
}

export function createReloader(opts: ReloaderOptions): Reloader {
  const { path, log } = opts;
  const listening = listeningOf(opts.current());
  let lastText: string | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = true;

  const fail = (reason: string, message: string): ReloadOutcome => {
    log.error(`config reload (${reason}) failed; still serving the previous config:\n${message}`);
    return { ok: false, error: message };
  };

  async function load(reason: string, force: boolean): Promise<ReloadOutcome> {
    const { text, error } = await readConfigText(path);
    if (text === undefined) return fail(reason, error!);
    if (!force && text === lastText) return { ok: true };
    lastText = text;
    const prev = opts.current().config;
    let next: AppDeps;
    try {
      next = await prepare(opts, listening, text);
    } catch (err) {
      return fail(reason, errorText(err));
    }
    opts.swap(next);
    const changes = configChanges(prev, next.config);
    const counts = `${next.config.providers.length} providers, ${next.config.models.length} models`;
    log.info(`config reloaded (${reason}) from ${path}: ${counts}; ${changes.join("; ") || "nothing changed"}`);
    return { ok: true };
  }

  const reload = (reason: string, force = false): Promise<ReloadOutcome> => {
    const run = queue.then(() => load(reason, force));
    queue = run.catch(() => undefined);
    return run;
  };

  /** A change is acted on once the file has stopped changing for one poll interval. */
  function watch(seen: string, pending: boolean): void {
    if (stopped) return;
    timer = setTimeout(async () => {
      const now = signature(await runtime.fileInfo(path));
      if (now !== seen) return watch(now, true);
      if (pending && now !== "missing") await reload("file changed");
      watch(now, false);
    }, opts.pollMs ?? 1000);
  }

  return {
    reload,
    async start() {
      if (!stopped) return;
      stopped = false;
      const [info, text] = await Promise.all([runtime.fileInfo(path), runtime.readText(path).catch(() => undefined)]);
      lastText ??= text;
      watch(signature(info), false);
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

export interface WatchOptions extends Omit<ReloaderOptions, "current"> {
  holder: DepsHolder;
}

/**
 * Hot reload for a running server: the file is watched, SIGHUP forces a reload, and
 * `holder.reload` (the admin API's) reloads and throws when the new config was refused.
 */
export function watchConfig(opts: WatchOptions): Reloader {
  const reloader = createReloader({ ...opts, current: () => opts.holder.current() });
  opts.holder.reload = async () => {
    const outcome = await reloader.reload("admin API", true);
    if (!outcome.ok) throw new Error(outcome.error);
  };
  let unsubscribe = () => {};
  try {
    unsubscribe = runtime.onSignal("SIGHUP", () => void reloader.reload("SIGHUP", true));
  } catch {
    opts.log.debug("SIGHUP is not available here; the config file is still watched");
  }
  const ready = reloader.start();
  return {
    ...reloader,
    start: () => ready,
    stop() {
      reloader.stop();
      unsubscribe();
    },
  };
}
