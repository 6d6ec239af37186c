import type { Config, ProviderConfig } from "../config/types.ts";
import { ConfigError } from "../util/errors.ts";
import { createAnthropicAdapter } from "./anthropic/adapter.ts";
import { createOpenAIChatAdapter } from "./openai-chat/adapter.ts";
import { providerKind, type Dialect } from "../catalog/providers.ts";
import { createGeminiAdapter } from "./gemini/adapter.ts";
import { createResponsesAdapter } from "./responses/adapter.ts";
import { createVertexAdapter } from "./vertex/adapter.ts";
import type { AdapterFactory, AdapterOptions, ProviderAdapter } from "../contracts/adapter.ts";

const FACTORIES: Partial<Record<Dialect, AdapterFactory>> = {
  anthropic: (config) => createAnthropicAdapter(config),
  "openai-chat": (config) => createOpenAIChatAdapter(config),
  "openai-responses": createResponsesAdapter,
  gemini: createGeminiAdapter,
  vertex: (config) => createVertexAdapter(config),
};

/** ChatGPT Plus/Pro tokens only work on the Codex Responses endpoint, whatever the preset's dialect. */
function dialectOf(config: ProviderConfig, dialect: Dialect): Dialect {
  return config.provider_type === "openai" && config.auth_type === "oauth" ? "openai-responses" : dialect;
}

export function createAdapter(config: ProviderConfig, opts: AdapterOptions = { env: {} }): ProviderAdapter {
  const kind = providerKind(config.provider_type);
  if (!kind) throw new ConfigError(`provider "${config.name}": unknown provider_type "${config.provider_type}"`);
  const factory = FACTORIES[dialectOf(config, kind.dialect)];
  if (!factory)
    throw new ConfigError(
      `provider "${config.name}": provider_type "${config.provider_type}" is not supported by this build`,
    );
  return factory(config, opts);
}

/** One adapter per enabled provider, built at config load (never per request). */
export function buildAdapters(config: Config, opts: AdapterOptions = { env: {} }): Map<string, ProviderAdapter> {
  const adapters = new Map<string, ProviderAdapter>();
  for (const provider of config.providers) {
    if (provider.enabled) adapters.set(provider.name, createAdapter(provider, opts));
  }
  return adapters;
}
