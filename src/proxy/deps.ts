import type { Config } from "../config/types.ts";
import type { FetchFn, ProviderAdapter, CredentialSource } from "../contracts/adapter.ts";
import type { ConnectGate } from "../providers/connect-gate.ts";
import type { ProviderHealth } from "../providers/health.ts";
import type { AccountPools } from "../pool/pools.ts";
import type { Logger } from "../util/log.ts";
import type { CompiledRouter } from "../router/compile.ts";
import type { AuthContext } from "../auth/context.ts";
import type { RequestFeed } from "./request-record.ts";
import type { SharedDatabase } from "../storage/shared-database.ts";

/** Resolves the credential source for a provider (API key, pass-through, OAuth token store, ADC). */
export type CredentialResolver = (provider: ProviderAdapter, inbound: Headers, account?: string) => CredentialSource;

/**
 * Everything a request handler needs, built once per config load by `serve` (or by a test).
 * Hot reload swaps the whole object; in-flight requests keep the one they started with.
 */
export interface AppDeps {
  config: Config;
  router: CompiledRouter;
  adapters: Map<string, ProviderAdapter>;
  credentials: CredentialResolver;
  /** Upstream fetch, with the connect timeout enforced by `connectGate`. */
  fetch: FetchFn;
  /** Cooldown state per provider (account); shared by every deps of one server. */
  health: ProviderHealth;
  /** Account pools' quota, counters and session bindings; shared like `health`. */
  pools: AccountPools;
  connectGate: ConnectGate;
  /** Finished-request records go out here; shared by every deps of one server, like `health`. */
  requests: RequestFeed;
  /** The data directory's SQLite file (usage history); absent where nothing opened one. */
  database?: SharedDatabase;
  /** Writes the usage rows still queued, so a read of the database is current. */
  flushUsage?: () => void;
  log: Logger;
  version: string;
  startedAt: number;
  /** Token store and OAuth flows (absent in tests that don't need them). */
  auth?: AuthContext;
  /** Where the server is bound; admin routes only answer for this host. */
  bound?: { host: string; port: number };
}

export interface DepsHolder {
  current(): AppDeps;
  /** The config file: hot reload reads it, the admin API writes it (even while the embedded default runs). */
  configPath?: string;
  /** Loads the config file again and swaps `current()`; absent where nothing can reload. */
  reload?: () => Promise<void>;
}
