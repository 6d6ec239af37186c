import type { FetchFn } from "../contracts/adapter.ts";

export const OAUTH_KINDS = ["anthropic", "anthropic-console", "openai", "google"] as const;
export type OAuthKind = (typeof OAUTH_KINDS)[number];

/**
 * One entry of oauth_tokens.json. The first six keys are claude-code-mux's format
 * (so its file loads unchanged); `kind`, `account_id` and `api_key` are ccmux's.
 * Unknown keys are kept as they are.
 */
export interface StoredToken {
  provider_id: string;
  access_token: string;
  refresh_token: string;
  /** RFC 3339. */
  expires_at: string;
  enterprise_url?: string | null;
  project_id?: string | null;
  kind?: OAuthKind;
  account_id?: string;
  api_key?: string;
  [k: string]: unknown;
}

export interface TokenStore {
  /** Absolute path of oauth_tokens.json. */
  readonly path: string;
  get(id: string): StoredToken | undefined;
  list(): StoredToken[];
  /**
   * Re-reads the file under the lock, applies this one change and writes it back atomically.
   * `mustExist`: only write when the id is still in the file (a refresh must not resurrect a logged-out token).
   */
  set(token: StoredToken, opts?: { mustExist?: boolean }): Promise<void>;
  /** True when a token was removed. */
  delete(id: string): Promise<boolean>;
  /** Re-reads the file when it changed on disk (another process logged in or refreshed). */
  reload(): Promise<void>;
  /** Runs `fn` once per key at a time: concurrent callers with the same key share one run. */
  singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export interface Pkce {
  verifier: string;
  challenge: string;
  method: "S256";
}

/** What a successful code exchange or refresh yields, before it gets an id. */
export interface TokenGrant {
  access_token: string;
  refresh_token: string;
  expires_at: string;
  account_id?: string;
  api_key?: string;
  project_id?: string | null;
  enterprise_url?: string | null;
  /** The scopes the token endpoint granted (space-separated), sent back on refresh as Claude Code does. */
  scope?: string;
}

export interface ExchangeInput {
  code: string;
  pkce: Pkce;
  state: string;
  redirectUri: string;
}

/** A loopback listener the provider redirects the browser to. */
export interface CallbackSpec {
  /** Port to bind on 127.0.0.1; 0 picks a free one. */
  port: number;
  path: string;
  /** Host written into redirect_uri (must match the provider's app registration). */
  host: "localhost" | "127.0.0.1";
}

export interface OAuthFlow {
  readonly kind: OAuthKind;
  readonly label: string;
  /** Absent for flows where the user copies the code from the provider's page. */
  readonly callback?: CallbackSpec;
  /** redirect_uri for a paste-only flow, or for a callback bound to `port`. */
  redirectUri(port?: number): string;
  authorizeUrl(pkce: Pkce, state: string, redirectUri: string): string;
  /** Code → tokens, including the flow's post-steps (API key, account id, project). */
  exchange(input: ExchangeInput, fetch: FetchFn): Promise<TokenGrant>;
  refresh(token: StoredToken, fetch: FetchFn): Promise<TokenGrant>;
}

export type Env = Record<string, string | undefined>;
