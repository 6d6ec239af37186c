import type { Env } from "../config/paths.ts";
import type { Config, ProviderConfig } from "../config/types.ts";
import { createConnectGate, type ConnectGate } from "../providers/connect-gate.ts";
import { createCredentialResolver, type DynamicSourceFactory } from "../auth/credentials.ts";
import { createProviderHealth, type ProviderHealth } from "../providers/health.ts";
import { buildAdapters } from "../providers/registry.ts";
import { createAccountPools, type AccountPools } from "../pool/pools.ts";
import type { FetchFn } from "../contracts/adapter.ts";
import { compileRouter } from "../router/compile.ts";
import type { Logger } from "../util/log.ts";
import type { AppDeps } from "./deps.ts";
import type { AuthContext } from "../auth/context.ts";
import { createRequestFeed, type RequestFeed } from "./request-record.ts";
import type { SharedDatabase } from "../storage/shared-database.ts";

export interface BuildDepsOptions {
  log: Logger;
  version: string;
  fetch?: FetchFn;
  /** Token store and OAuth flows; their credential sources serve `auth_type = "oauth"` providers. */
  auth?: AuthContext;
  /** Credential sources for other dynamic auth types (ADC); tried after `auth`. */
  dynamicCredentials?: DynamicSourceFactory;
  /** Process environment for upstream URL overrides and ADC; tests pass their own. Defaults to none. */
  env?: Env;
  bound?: { host: string; port: number };
  startedAt?: number;
  /** Per-server state that outlives a config reload; fresh ones are made when absent. */
  health?: ProviderHealth;
  pools?: AccountPools;
  connectGate?: ConnectGate;
  requests?: RequestFeed;
  database?: SharedDatabase;
  flushUsage?: () => void;
}

/** Config → everything a request needs: compiled router, adapters, credential sources. */
export function buildDeps(config: Config, opts: BuildDepsOptions): AppDeps {
  const env = opts.env ?? {};
  const adapters = buildAdapters(config, { env });
  const upstreamFetch: FetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
  const health = opts.health ?? createProviderHealth(config.server.health);
  health.sync(config.providers, config.server.health);
  const pools = opts.pools ?? createAccountPools();
  pools.sync(config.providers);
  const connectGate = opts.connectGate ?? createConnectGate({ env });
  const dynamic = (config: ProviderConfig) => opts.auth?.credentials(config) ?? opts.dynamicCredentials?.(config);
  return {
    config,
    router: compileRouter(config),
    adapters,
    credentials: createCredentialResolver(adapters, dynamic, { env, fetch: upstreamFetch }),
    auth: opts.auth,
    fetch: connectGate.wrap(upstreamFetch, config.server.timeouts.connect_timeout_ms),
    health,
    pools,
    connectGate,
    requests: opts.requests ?? createRequestFeed(),
    database: opts.database,
    flushUsage: opts.flushUsage,
    log: opts.log,
    version: opts.version,
    startedAt: opts.startedAt ?? Date.now(),
    bound: opts.bound,
  };
}

export function fixedHolder(deps: AppDeps) {
  return { current: () => deps };
}
