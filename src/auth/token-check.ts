import { kindFromTokenShape } from "./flows/index.ts";
import { jwtExpiryMs } from "./jwt.ts";
import { expiryMs, kindForProviderType } from "./refresh.ts";
import { OAUTH_KINDS, type OAuthKind, type StoredToken } from "./types.ts";

/** What the token checks read of a provider: the typed config, or a raw TOML table shaped like it. */
export interface OAuthProviderLike {
  name: string;
  provider_type: string;
  auth_type?: string;
  oauth_provider?: string;
  enabled?: boolean;
  accounts?: readonly { name?: string; oauth_provider?: string; enabled?: boolean }[];
}

/** One place in the config that needs a token from the store. */
export interface TokenUse {
  /** The token id in oauth_tokens.json. */
  id: string;
  /** The key naming it, e.g. `providers[1].oauth_provider`. */
  keyPath: string;
  provider: string;
  /** The kind of login the provider's type needs. */
  needs: OAuthKind;
}

export interface TokenFinding extends TokenUse {
  ok: boolean;
  /** What was found, never the token itself. */
  message: string;
  /** The command that fixes it, when something is wrong. */
  fix?: string;
}

/** Every enabled OAuth provider and every enabled pool account with a token id. */
export function tokenUses(providers: readonly OAuthProviderLike[]): TokenUse[] {
  return providers.flatMap((p, i) => {
    if (p.enabled === false) return [];
    const needs = kindForProviderType(p.provider_type);
    const own: TokenUse[] =
      p.auth_type === "oauth" && !p.accounts?.length
        ? [{ id: p.oauth_provider ?? p.name, keyPath: `providers[${i}].oauth_provider`, provider: p.name, needs }]
        : [];
    const accounts = (p.accounts ?? []).flatMap((a, j) =>
      a.enabled !== false && a.oauth_provider
        ? [{ id: a.oauth_provider, keyPath: `providers[${i}].accounts[${j}].oauth_provider`, provider: p.name, needs }]
        : [],
    );
    return [...own, ...accounts];
  });
}

/** The kind the token says it is (its `kind`, else its shape); undefined when it cannot tell. */
function statedKind(token: StoredToken): OAuthKind | undefined {
  if (token.kind && (OAUTH_KINDS as readonly string[]).includes(token.kind)) return token.kind;
  if (token.api_key) return "anthropic-console";
  return kindFromTokenShape(token);
}

/** A Claude subscription provider also takes an Anthropic Console login (it holds an API key). */
function fits(needs: OAuthKind, kind: OAuthKind): boolean {
  return kind === needs || (needs === "anthropic" && kind === "anthropic-console");
}

/** Why the token cannot be refreshed, when it is expired; undefined when it is still good or can be refreshed. */
function unrefreshable(token: StoredToken, kind: OAuthKind | undefined, now: number): string | undefined {
  if (kind === "anthropic-console" && token.api_key) return undefined;
  const left = expiryMs(token.expires_at) - now;
  if (left > 0) return undefined;
  const expired = Number.isFinite(left)
    ? `expired at ${token.expires_at}`
    : `has no readable expiry ("${token.expires_at}")`;
  if (!token.refresh_token) return `${expired} and has no refresh token`;
  const refreshExpiry = jwtExpiryMs(token.refresh_token);
  if (refreshExpiry !== undefined && refreshExpiry <= now) return `${expired} and its refresh token expired too`;
  return undefined;
}

/**
 * One token use checked against the store, offline: present, of a kind the provider can use, and
 * either unexpired or refreshable. `config check` and `doctor` both report these.
 */
export function checkTokenUse(
  use: TokenUse,
  token: StoredToken | undefined,
  storePath: string,
  now: number,
): TokenFinding {
  const login = `ccmux auth login ${use.needs} --id ${use.id}`;
  if (!token) return { ...use, ok: false, message: `no token "${use.id}" in ${storePath}`, fix: `run \`${login}\`` };
  const kind = statedKind(token);
  if (kind && !fits(use.needs, kind))
    return {
      ...use,
      ok: false,
      message: `token "${use.id}" comes from \`auth login ${kind}\`, but provider "${use.provider}" needs \`auth login ${use.needs}\``,
      fix: `run \`${login}\`, or name another token in oauth_provider`,
    };
  const why = unrefreshable(token, kind, now);
  if (why) return { ...use, ok: false, message: `token "${use.id}" ${why}`, fix: `log in again: \`${login}\`` };
  const left = expiryMs(token.expires_at) - now;
  const state = left > 0 ? `valid until ${token.expires_at}` : "expired, refreshed on next use";
  return { ...use, ok: true, message: `token "${use.id}" (${kind ?? use.needs}): ${state}` };
}

/** Every token the providers need, checked. */
export function checkTokens(
  providers: readonly OAuthProviderLike[],
  get: (id: string) => StoredToken | undefined,
  storePath: string,
  now: number,
): TokenFinding[] {
  return tokenUses(providers).map((use) => checkTokenUse(use, get(use.id), storePath, now));
}
