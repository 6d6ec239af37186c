import { pathToString, type PathSegment } from "./key-locations.ts";
import { blank, type Sink } from "./normalize-providers.ts";
import type { AccountDocument, ProviderDocument } from "./schema.ts";
import type { AccountConfig, AuthType, PoolConfig } from "./types.ts";

export const DEFAULT_POOL: PoolConfig = {
  strategy: "least-used",
  shed_utilization: 0.9,
  session_ttl_s: 3600,
  wait_for_reset_max_s: 0,
};

function normalizeAccount(
  doc: AccountDocument,
  path: PathSegment[],
  refs: Map<string, string>,
  sink: Sink,
): AccountConfig | undefined {
  const oauth = blank(doc.oauth_provider);
  const key = blank(doc.api_key);
  if (oauth && key) {
    sink.errors.push({ path, message: "an account is either an oauth_provider (token id) or an api_key, not both" });
    return undefined;
  }
  if (!oauth && !key) {
    sink.errors.push({ path, message: "an account needs oauth_provider (a token id) or api_key" });
    return undefined;
  }
  const name = blank(doc.name) ?? oauth ?? `key-${Number(path[path.length - 1]) + 1}`;
  const account: AccountConfig = { name, weight: doc.weight, enabled: doc.enabled };
  if (oauth) account.oauth_provider = oauth;
  if (key) account.api_key = key;
  const ref = refs.get(pathToString([...path, "api_key"]));
  if (ref) account.api_key_ref = ref;
  return account;
}

function checkDuplicates(accounts: AccountConfig[], path: PathSegment[], sink: Sink): void {
  const names = new Map<string, number>();
  const tokens = new Map<string, number>();
  accounts.forEach((a, i) => {
    const at = [...path, i];
    const sameName = names.get(a.name);
    if (sameName !== undefined)
      sink.errors.push({
        path: [...at, "name"],
        message: `duplicate account "${a.name}" (also accounts[${sameName}])`,
      });
    else names.set(a.name, i);
    if (!a.oauth_provider) return;
    const sameToken = tokens.get(a.oauth_provider);
    if (sameToken !== undefined)
      sink.errors.push({
        path: [...at, "oauth_provider"],
        message: `duplicate token id "${a.oauth_provider}" (also accounts[${sameToken}])`,
      });
    else tokens.set(a.oauth_provider, i);
  });
}

/** The provider's auth_type follows its accounts: the adapters shape requests by it, so a pool is one kind. */
function poolAuthType(accounts: AccountConfig[], path: PathSegment[], sink: Sink): AuthType | undefined {
  const oauth = accounts.filter((a) => a.oauth_provider).length;
  if (oauth === 0) return "apikey";
  if (oauth === accounts.length) return "oauth";
  sink.errors.push({
    path,
    message: "a pool holds OAuth tokens or api keys, not both (put each kind in its own provider)",
  });
  return undefined;
}

export interface NormalizedPool {
  accounts: AccountConfig[];
  pool: PoolConfig;
  auth_type?: AuthType;
}

/** `accounts = [...]` and the pool settings of one provider; undefined when it has no accounts. */
export function normalizePool(
  doc: ProviderDocument,
  path: PathSegment[],
  refs: Map<string, string>,
  sink: Sink,
): NormalizedPool | undefined {
  if (!doc.accounts) return undefined;
  const at = [...path, "accounts"];
  if (doc.accounts.length === 0) {
    sink.errors.push({ path: at, message: "accounts is empty (remove it to use the provider's own credentials)" });
    return undefined;
  }
  for (const own of ["api_key", "oauth_provider"] as const) {
    if (blank(doc[own]))
      sink.errors.push({
        path: [...path, own],
        message: `${own} is set on a provider with accounts; move it into accounts`,
      });
  }
  const accounts = doc.accounts
    .map((a, i) => normalizeAccount(a, [...at, i], refs, sink))
    .filter((a): a is AccountConfig => a !== undefined);
  checkDuplicates(accounts, at, sink);
  const pool: PoolConfig = {
    strategy: doc.strategy ?? DEFAULT_POOL.strategy,
    shed_utilization: doc.shed_utilization ?? DEFAULT_POOL.shed_utilization,
    session_ttl_s: doc.session_ttl_s ?? DEFAULT_POOL.session_ttl_s,
    wait_for_reset_max_s: doc.wait_for_reset_max_s ?? DEFAULT_POOL.wait_for_reset_max_s,
  };
  return { accounts, pool, auth_type: poolAuthType(accounts, at, sink) };
}
