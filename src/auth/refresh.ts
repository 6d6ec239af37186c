import type { ProviderConfig } from "../config/types.ts";
import type { CredentialSource, Credentials, FetchFn } from "../contracts/adapter.ts";
import { AuthError } from "../util/errors.ts";
import type { Logger } from "../util/log.ts";
import { tokenKind, type FlowRegistry } from "./flows/index.ts";
import type { OAuthKind, StoredToken, TokenStore } from "./types.ts";

export const REFRESH_WINDOW_MS = 5 * 60_000;

/** RFC 3339 → epoch ms; fractions beyond milliseconds (chrono writes nanoseconds) are cut. NaN when unparsable. */
export function expiryMs(expiresAt: string): number {
  return Date.parse(expiresAt.replace(/(\.\d{3})\d+/, "$1"));
}

export function loginHint(kind: OAuthKind, id: string): string {
  return `Run \`ccmux auth login ${kind} --id ${id}\` to log in again.`;
}

export interface OAuthSourceOptions {
  store: TokenStore;
  /** The token id (a provider's `oauth_provider`). */
  id: string;
  flows: FlowRegistry;
  fetch: FetchFn;
  log?: Logger;
  now?: () => number;
  /** Used for the login hint when the token is missing. */
  defaultKind?: OAuthKind;
  /** The kind the provider using this token implies (its provider_type): decides a token saved without `kind`. */
  usedBy?: OAuthKind;
}

function toCredentials(token: StoredToken, kind: OAuthKind): Credentials {
  if (kind === "anthropic-console" && token.api_key) return { apiKey: token.api_key };
  const creds: Credentials = { accessToken: token.access_token };
  if (token.account_id) creds.accountId = token.account_id;
  if (token.project_id) creds.projectId = token.project_id;
  return creds;
}

/**
 * Credentials from the token store, refreshed when they expire within 5 minutes. Refreshes are
 * single-flight per token id (through the store, so every source for that id shares them), and the
 * rotated refresh token is saved before the new access token is handed out.
 */
export function oauthCredentialSource(opts: OAuthSourceOptions): CredentialSource {
  const { store, id, flows, fetch, log } = opts;
  const now = opts.now ?? Date.now;
  const expiring = (t: StoredToken) => !(expiryMs(t.expires_at) - now() > REFRESH_WINDOW_MS);
  const kindOf = (t: StoredToken) => tokenKind(t, opts.usedBy);

  /** A token copied without `kind` (claude-code-mux's file) gets the inferred one written back, once. */
  async function withKind(token: StoredToken): Promise<StoredToken> {
    if (token.kind) return token;
    const kinded = { ...token, kind: kindOf(token) };
    await store.set(kinded, { mustExist: true });
    log?.info(
      `OAuth token "${id}" had no kind: saved as ${kinded.kind} (from ${opts.usedBy ? "the provider using it" : "the token"})`,
    );
    return kinded;
  }

  async function current(): Promise<StoredToken> {
    await store.reload();
    const token = store.get(id);
    if (!token)
      throw new AuthError(`No OAuth token "${id}" in ${store.path}. ${loginHint(opts.defaultKind ?? "anthropic", id)}`);
    return withKind(token);
  }

  async function refreshNow(seen: StoredToken, force: boolean): Promise<StoredToken> {
    await store.reload();
    const latest = store.get(id) ?? seen;
    const kind = kindOf(latest);
    // Another process (or an earlier flight) may have refreshed it already.
    if (force ? latest.access_token !== seen.access_token : !expiring(latest)) {
      log?.debug(`OAuth token "${id}" was already refreshed (by another request or process)`);
      return latest;
    }
    const why = force ? "the upstream refused it" : `it expires ${latest.expires_at}`;
    log?.debug(`OAuth token "${id}" (${kind}): refreshing, ${why}`);
    const started = performance.now();
    let grant;
    try {
      grant = await flows.get(kind).refresh(latest, fetch);
    } catch (err) {
      await store.reload();
      const again = store.get(id);
      if (again && again.refresh_token !== latest.refresh_token && !expiring(again)) return again;
      const why = err instanceof Error ? err.message : String(err);
      log?.warn(`OAuth refresh of "${id}" failed: ${why}`);
      throw new AuthError(`OAuth token "${id}" could not be refreshed (${why}). ${loginHint(kind, id)}`);
    }
    const next: StoredToken = { ...latest, ...grant, provider_id: id, kind };
    await store.set(next, { mustExist: true });
    const ms = Math.round(performance.now() - started);
    log?.debug(`OAuth token "${id}" refreshed in ${ms} ms; expires ${next.expires_at}`);
    return next;
  }

  const refresh = (seen: StoredToken, force: boolean) =>
    store.singleFlight(`refresh:${id}`, () => refreshNow(seen, force));

  return {
    async get() {
      const token = await current();
      const kind = kindOf(token);
      if ((kind === "anthropic-console" && token.api_key) || !expiring(token)) return toCredentials(token, kind);
      const fresh = await refresh(token, false);
      return toCredentials(fresh, kindOf(fresh));
    },
    async refresh() {
      const fresh = await refresh(await current(), true);
      return toCredentials(fresh, kindOf(fresh));
    },
  };
}

/** The kind a provider_type implies, for the login hint before any token exists. */
export function kindForProviderType(providerType: string): OAuthKind {
  const t = providerType.toLowerCase();
  if (/openai|codex|chatgpt/.test(t)) return "openai";
  if (/gemini|google|vertex/.test(t)) return "google";
  return "anthropic";
}

/** For createCredentialResolver: an OAuth source for every provider with auth_type = "oauth". */
export function oauthSourceFactory(base: Omit<OAuthSourceOptions, "id" | "defaultKind">) {
  return (config: ProviderConfig): CredentialSource | undefined =>
    config.auth_type === "oauth"
      ? oauthCredentialSource({
          ...base,
          id: config.oauth_provider ?? config.name,
          defaultKind: kindForProviderType(config.provider_type),
          usedBy: kindForProviderType(config.provider_type),
        })
      : undefined;
}
