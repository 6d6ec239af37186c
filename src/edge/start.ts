import type { Config } from "../config/types.ts";
import { runtime, type RunningServer } from "../runtime/index.ts";
import type { Logger } from "../util/log.ts";
import { createApp } from "./app.ts";
import { buildDeps, type BuildDepsOptions } from "../proxy/build-deps.ts";
import { createAuthContext } from "../auth/context.ts";
import type { AppDeps, DepsHolder } from "../proxy/deps.ts";
import { watchConfig, type ServerOverrides } from "../proxy/reload.ts";
import { createConnectGate } from "../providers/connect-gate.ts";
import { createProviderHealth } from "../providers/health.ts";
import { createAccountPools } from "../pool/pools.ts";
import { createPoolTables, PoolStore } from "../pool/pool-store.ts";
import { dataDir } from "../config/paths.ts";
import { createRequestFeed } from "../proxy/request-record.ts";
import { TRACE_NOTICE, traceOn } from "../proxy/debug-log.ts";
import { startUsageService } from "../usage/service.ts";

export interface StartOptions {
  config: Config;
  configPath?: string;
  log: Logger;
  version: string;
  plain?: boolean;
  /** Milliseconds in-flight requests get to finish on SIGINT/SIGTERM. */
  graceMs?: number;
  /** The config file to watch for hot reload (and for the admin API to write), even while it does not exist yet. */
  configFile?: string;
  /** Command-line values that win over the file, also on reload. */
  overrides?: ServerOverrides;
}

function formatHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

function banner(url: string, deps: AppDeps, configPath: string | undefined, log: Logger): void {
  const auth = deps.config.server.api_key ? "export ANTHROPIC_AUTH_TOKEN=<your server.api_key>" : "claude";
  const lines = [
    `ccmux ${deps.version} listening on ${url}`,
    `config: ${configPath ?? "embedded default (pass-through to api.anthropic.com)"}`,
    "",
    "Point Claude Code at it:",
    `  export ANTHROPIC_BASE_URL=${url}`,
    `  ${auth}`,
  ];
  log.box(lines.join("\n"));
}

function isAddrInUse(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "EADDRINUSE" || /address already in use|EADDRINUSE|in use/i.test(e?.message ?? "");
}

/** Binds the server, prints the banner and stops gracefully on SIGINT/SIGTERM. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { server: srv } = opts.config;
  const env = runtime.envAll();
  const auth = createAuthContext({ env, runtime, log: opts.log, fetch: (i, init) => fetch(i, init) });
  const requests = createRequestFeed((err) => opts.log.warn(`a request subscriber failed: ${String(err)}`));
  let serving = opts.config;
  const usage = await startUsageService({
    env,
    runtime,
    log: opts.log,
    feed: requests,
    config: () => serving,
    setup: [createPoolTables],
  });
  const pools = createAccountPools(Date.now, new PoolStore(usage.database, dataDir(env), runtime));
  await pools.load().catch((err: unknown) => opts.log.warn(`account pool state not restored: ${String(err)}`));
  const shared: BuildDepsOptions = {
    log: opts.log,
    version: opts.version,
    auth,
    env,
    startedAt: Date.now(),
    health: createProviderHealth(opts.config.server.health),
    pools,
    connectGate: createConnectGate({ env }),
    requests,
    database: usage.database,
    flushUsage: usage.recorder.flush,
  };
  let deps = buildDeps(opts.config, shared);
  serving = deps.config;
  const configFile = opts.configFile ?? opts.configPath;
  const holder: DepsHolder = { current: () => deps, configPath: configFile };
  const app = createApp(holder);
  let running: RunningServer;
  try {
    running = await runtime.serve({ hostname: srv.host, port: srv.port, fetch: app.fetch });
  } catch (err) {
    if (isAddrInUse(err))
      throw new Error(`Port ${srv.port} on ${srv.host} is already in use (is another ccmux running?)`);
    throw err;
  }
  deps = { ...deps, bound: { host: srv.host, port: running.port } };
  banner(`http://${formatHost(srv.host)}:${running.port}`, deps, opts.configPath, opts.log);
  if (traceOn(opts.log)) opts.log.warn(TRACE_NOTICE);
  const bound = deps.bound;
  const reloader = configFile
    ? watchConfig({
        path: configFile,
        holder,
        build: (config) => buildDeps(config, { ...shared, bound }),
        swap: (next) => {
          deps = next;
          serving = next.config;
        },
        log: opts.log,
        overrides: opts.overrides,
      })
    : undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    reloader?.stop();
    opts.log.info("shutting down: no new connections, waiting for in-flight requests");
    await running.stop(opts.graceMs ?? 10_000);
    await pools.flush().catch(() => undefined);
    usage.stop();
    runtime.exit(0);
  };
  runtime.onSignal("SIGINT", stop);
  runtime.onSignal("SIGTERM", stop);
  return running;
}
