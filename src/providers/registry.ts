import type { Config, ProviderConfig } from "../config/types.ts";
import { ConfigError } from "../util/errors.ts";
import { createAnthropicAdapter } from "./anthropic/adapter.ts";
import { providerKind, type Dialect } from "./catalog.ts";
import type { AdapterFactory, ProviderAdapter } from "./types.ts";

const FACTORIES: Partial<Record<Dialect, AdapterFactory>> = {
  anthropic: (config) => createAnthropicAdapter(config),
};

export function createAdapter(config: ProviderConfig): ProviderAdapter {
  const kind = providerKind(config.provider_type);
  if (!kind) throw new ConfigError(`provider "${config.name}": unknown provider_type "${config.provider_type}"`);
  const factory = FACTORIES[kind.dialect];
  if (!factory) throw new ConfigError(`provider "${config.name}": provider_type "${config.provider_type}" is not supported by this build`);
  return factory(config);
}

/** One adapter per enabled provider, built at config load (never per request). */
export function buildAdapters(config: Config): Map<string, ProviderAdapter> {
  const adapters = new Map<string, ProviderAdapter>();
  for (const provider of config.providers) {
    if (provider.enabled) adapters.set(provider.name, createAdapter(provider));
  }
  return adapters;
}
