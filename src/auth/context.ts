import { join } from "node:path";
import { createFlowRegistry, type FlowRegistry } from "./flows/index.ts";
import { oauthSourceFactory } from "./refresh.ts";
import { createTokenStore, TOKEN_FILE_NAME } from "./store.ts";
import type { TokenStore } from "./types.ts";
import { dataDir, type Env } from "../config/paths.ts";
import type { DynamicSourceFactory } from "./credentials.ts";
import type { FetchFn } from "../contracts/adapter.ts";
import type { Runtime } from "../runtime/index.ts";
import type { Logger } from "../util/log.ts";

/** The token store and OAuth flows a server shares across config reloads. */
export interface AuthContext {
  store: TokenStore;
  flows: FlowRegistry;
  credentials: DynamicSourceFactory;
}

/** Nothing is read here: the store loads (and re-checks the file) when a provider first asks for a token. */
export function createAuthContext(opts: { env: Env; runtime: Runtime; log: Logger; fetch: FetchFn }): AuthContext {
  const store = createTokenStore({
    path: join(dataDir(opts.env), TOKEN_FILE_NAME),
    runtime: opts.runtime,
    log: opts.log,
  });
  const flows = createFlowRegistry({ env: opts.env, log: opts.log });
  return { store, flows, credentials: oauthSourceFactory({ store, flows, fetch: opts.fetch, log: opts.log }) };
}
