/**
 * Every `provider_type` ccmux accepts, the wire dialect it speaks and its preset base URL.
 * Spellings are claude-code-mux's, so its config.toml files load unchanged.
 */
export type Dialect = "anthropic" | "openai-chat" | "openai-responses" | "gemini" | "vertex";

export interface ProviderKind {
  dialect: Dialect;
  /** Preset base URL, overridden by `base_url`; undefined when the user must give one. */
  baseUrl?: string;
  /** No API key needed (local servers). */
  keyless?: boolean;
  /** Extra headers the upstream expects. */
  headers?: Record<string, string>;
}

const anthropic = (baseUrl: string): ProviderKind => ({ dialect: "anthropic", baseUrl });
const chat = (baseUrl: string | undefined, extra: Partial<ProviderKind> = {}): ProviderKind => ({
  dialect: "openai-chat",
  baseUrl,
  ...extra,
});

export const PROVIDER_KINDS: Record<string, ProviderKind> = {
  anthropic: anthropic("https://api.anthropic.com"),
  "z.ai": anthropic("https://api.z.ai/api/anthropic"),
  minimax: anthropic("https://api.minimax.io/anthropic"),
  zenmux: anthropic("https://zenmux.ai/api/anthropic"),
  "kimi-coding": anthropic("https://api.kimi.com/coding"),
  openai: chat("https://api.openai.com/v1"),
  openrouter: chat("https://openrouter.ai/api/v1", {
    headers: { "HTTP-Referer": "https://github.com/ccmux/ccmux", "X-Title": "ccmux" },
  }),
  groq: chat("https://api.groq.com/openai/v1"),
  together: chat("https://api.together.xyz/v1"),
  fireworks: chat("https://api.fireworks.ai/inference/v1"),
  deepinfra: chat("https://api.deepinfra.com/v1/openai"),
  cerebras: chat("https://api.cerebras.ai/v1"),
  moonshot: chat("https://api.moonshot.cn/v1"),
  nebius: chat("https://api.studio.nebius.ai/v1"),
  novita: chat("https://api.novita.ai/v3/openai"),
  baseten: chat("https://inference.baseten.co/v1"),
  deepseek: chat("https://api.deepseek.com/v1"),
  ollama: chat("http://127.0.0.1:11434/v1", { keyless: true }),
  lmstudio: chat("http://127.0.0.1:1234/v1", { keyless: true }),
  "openai-compatible": chat(undefined),
  "openai-responses": { dialect: "openai-responses", baseUrl: "https://api.openai.com/v1" },
  gemini: { dialect: "gemini", baseUrl: "https://generativelanguage.googleapis.com/v1beta" },
  "vertex-ai": { dialect: "vertex", baseUrl: undefined, keyless: true },
};

export const PROVIDER_TYPES = Object.keys(PROVIDER_KINDS);

export function providerKind(type: string): ProviderKind | undefined {
  return PROVIDER_KINDS[type];
}
