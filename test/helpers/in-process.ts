import { loadConfigFile } from "../../src/config/load.ts";
import type { Env } from "../../src/config/paths.ts";
import type { Config, ModelConfig, ProviderConfig } from "../../src/config/types.ts";
import { runtime } from "../../src/runtime/index.ts";
import { createApp } from "../../src/edge/app.ts";
import { buildDeps, type BuildDepsOptions } from "../../src/proxy/build-deps.ts";
import type { AppDeps, DepsHolder } from "../../src/proxy/deps.ts";
import { createLogger } from "../../src/util/log.ts";
import { createRequestFeed, type FinishedRequest } from "../../src/proxy/request-record.ts";

export function provider(name: string, base_url: string, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    name,
    provider_type: "anthropic",
    auth_type: "apikey",
    api_key: `test-key-${name}`,
    base_url,
    headers: {},
    models: [],
    enabled: true,
    ...extra,
  };
}

export function model(name: string, ...mappings: [provider: string, actual: string][]): ModelConfig {
  return { name, mappings: mappings.map(([p, actual_model], i) => ({ priority: i + 1, provider: p, actual_model })) };
}

export function testConfig(partial: Partial<Config> & { providers: ProviderConfig[]; models: ModelConfig[] }): Config {
  return {
    server: {
      host: "127.0.0.1",
      port: 0,
      log_level: "info",
      timeouts: { connect_timeout_ms: 5_000, api_timeout_ms: 10_000, idle_timeout_ms: 30_000 },
      ...partial.server,
    },
    router: { default: partial.models[0]?.name ?? "default", long_context_threshold: 60_000, ...partial.router },
    providers: partial.providers,
    models: partial.models,
  };
}

export interface InProcessServer {
  url: string;
  /** The deps serving right now (a reload swaps them). */
  readonly deps: AppDeps;
  logs: string[];
  stop(): Promise<void>;
}

export interface InProcessOptions extends Partial<BuildDepsOptions> {
  /** Makes the holder reloadable from this file (as `serve` does), for the admin API. */
  configPath?: string;
  env?: Env;
}

/** ccmux's real app on a real loopback port, in this process, with captured logs. */
export async function startInProcess(config: Config, opts: InProcessOptions = {}): Promise<InProcessServer> {
  const logs: string[] = [];
  const log = createLogger({ level: "debug", plain: true, stream: { write: (s: string) => logs.push(s) } });
  const { configPath, env, ...rest } = opts;
  // One feed for the server's life, as `serve` keeps it across reloads.
  const buildOpts = { ...rest, requests: rest.requests ?? createRequestFeed() };
  let deps = buildDeps(config, { log, version: "0.0.0-test", ...buildOpts, env });
  const holder: DepsHolder = { current: () => deps, configPath };
  if (configPath) {
    holder.reload = async () => {
      const loaded = await loadConfigFile(configPath, env ?? runtime.envAll());
      if (loaded) deps = buildDeps(loaded.config, { log, version: "0.0.0-test", ...buildOpts, env, bound: deps.bound });
    };
  }
  const app = createApp(holder);
  const server = await runtime.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
  deps = { ...deps, bound: deps.bound ?? { host: "127.0.0.1", port: server.port } };
  return {
    url: `http://127.0.0.1:${server.port}`,
    get deps() {
      return deps;
    },
    logs,
    stop: () => server.stop(1000),
  };
}

/** Resolves with the first captured log line matching `re` (checked every 10 ms), or fails after `timeoutMs`. */
export async function waitForLog(s: { logs: string[] }, re: RegExp, timeoutMs = 5000): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const line = s.logs.find((l) => re.test(l));
    if (line) return line;
    if (performance.now() > deadline)
      throw new Error(`no log line matching ${re} within ${timeoutMs} ms:\n${s.logs.join("")}`);
    await Bun.sleep(10);
  }
}

/** Resolves with the next `n` finished-request records the server publishes, in order. */
export function nextRecords(s: { deps: AppDeps }, n = 1): Promise<FinishedRequest[]> {
  const records: FinishedRequest[] = [];
  return new Promise((resolve) => {
    const stop = s.deps.requests.subscribe((record) => {
      if (records.push(record) < n) return;
      stop();
      resolve(records);
    });
  });
}

/** One provider per translated dialect, all on the fake upstream at `url`: "chat", "gem" and "resp". */
export function translatedProviders(url: string): ProviderConfig[] {
  return [
    provider("chat", `${url}/v1`, { provider_type: "openai-compatible" }),
    provider("gem", `${url}/v1beta`, { provider_type: "gemini" }),
    provider("resp", `${url}/v1`, { provider_type: "openai-responses" }),
  ];
}
