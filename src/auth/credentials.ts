import type { Env } from "../config/paths.ts";
import type { AccountConfig, ProviderConfig } from "../config/types.ts";
import { AuthError } from "../util/errors.ts";
import type { CredentialSource, FetchFn, ProviderAdapter } from "../contracts/adapter.ts";
import { createAdcSource } from "./adc.ts";

const NONE: CredentialSource = { get: async () => ({}) };

/** Builds a provider's OAuth/ADC credential source; supplied by the auth layer. */
export type DynamicSourceFactory = (config: ProviderConfig) => CredentialSource | undefined;

/** What the built-in Google Application Default Credentials source reads and calls. */
export interface CredentialEnvironment {
  env: Env;
  fetch: FetchFn;
}

function staticSource(
  config: ProviderConfig,
  dynamic: DynamicSourceFactory | undefined,
  adc: () => CredentialSource,
): CredentialSource {
  switch (config.auth_type) {
    case "passthrough":
      return NONE;
    case "apikey":
      return config.api_key ? { get: async () => ({ apiKey: config.api_key }) } : NONE;
    case "adc":
      return dynamic?.(config) ?? adc();
    default: {
      const source = dynamic?.(config);
      if (source) return source;
      const message = `provider "${config.name}" uses auth_type "${config.auth_type}" but no credentials are available`;
      return { get: async () => Promise.reject(new AuthError(message)) };
    }
  }
}

/** The provider's config as one account of its pool sees it: that account's token id or key. */
export function accountView(config: ProviderConfig, account: AccountConfig): ProviderConfig {
  return { ...config, api_key: account.api_key, oauth_provider: account.oauth_provider };
}

/**
 * One credential source per provider, and per account of a pool, built once per config load and
 * reused by every request.
 */
export function createCredentialResolver(
  adapters: Map<string, ProviderAdapter>,
  dynamic?: DynamicSourceFactory,
  environment?: CredentialEnvironment,
) {
  const sources = new Map<string, CredentialSource>();
  let adc: CredentialSource | undefined;
  const sharedAdc = () =>
    (adc ??= createAdcSource(environment ?? { env: {}, fetch: (input, init) => fetch(input, init) }));
  for (const { name, config } of adapters.values()) {
    sources.set(name, staticSource(config, dynamic, sharedAdc));
    for (const account of config.accounts ?? [])
      sources.set(`${name}#${account.name}`, staticSource(accountView(config, account), dynamic, sharedAdc));
  }
  return (adapter: ProviderAdapter, _inbound?: Headers, account?: string): CredentialSource =>
    sources.get(account ? `${adapter.name}#${account}` : adapter.name) ?? NONE;
}
