import type { ProviderConfig } from "../../config/types.ts";

/** Families served by OpenAI-compatible hosts that take text only (vision variants excluded). */
const TEXT_ONLY = /deepseek|glm-4(\.\d+)?(?!\.?\d*v)(-|$)|kimi-k2|qwen\d*(\.\d+)?-coder|gpt-oss|codestral|minimax-m\d/i;

/** Whether to send images to this upstream model; `text_only_models` in the config wins over the built-in list. */
export function supportsImages(config: ProviderConfig, model: string): boolean {
  if (config.text_only_models?.includes(model)) return false;
  return !TEXT_ONLY.test(model);
}
