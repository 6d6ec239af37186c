/**
 * Output limits (the most `max_tokens` a single answer may use) of well-known upstream models.
 * Compiled 2026-12-06 from the vendors' model pages as we last had them (Anthropic "Models
 * overview", OpenAI model pages, Google's Gemini models page, DeepSeek's and Z.ai's API docs);
 * not re-checked online that day. The first pattern that matches a model id wins (more specific
 * patterns first); config's `[output_limits]` overrides by exact id.
 *
 * Used when an OpenAI client sends no max_tokens: the upstream then gets the model's own limit,
 * not a small constant that cuts long answers short.
 */
const KNOWN_LIMITS: [pattern: RegExp, tokens: number][] = [
  [/^claude-3-haiku/i, 4_096],
  [/^claude-3-5-(haiku|sonnet)|^claude-3-opus/i, 8_192],
  [/^claude-opus-4(-0|-1|-2025)/i, 32_000],
  [/^claude-(opus|sonnet)-4-(6|7|8)/i, 128_000],
  [/^claude-/i, 64_000],
  [/^gpt-5/i, 128_000],
  [/^gpt-4\.1/i, 32_768],
  [/^gpt-4o/i, 16_384],
  [/^o[134](-|$)/i, 100_000],
  [/^gemini-(2\.5|3)/i, 65_536],
  [/^gemini-/i, 8_192],
  [/^deepseek-reasoner/i, 65_536],
  [/^deepseek-/i, 8_192],
  [/^glm-4\.[56]/i, 131_072],
  [/^(qwen3-coder|qwen-coder)/i, 65_536],
];

/** The model's output limit in tokens, or undefined when neither config nor the table knows it. */
export function outputLimit(model: string, overrides: Record<string, number> = {}): number | undefined {
  const own = overrides[model];
  if (own !== undefined) return own;
  const bare = model.includes("/") ? model.slice(model.lastIndexOf("/") + 1) : model;
  return KNOWN_LIMITS.find(([pattern]) => pattern.test(bare))?.[1];
}
