/**
 * Context windows (input + output tokens) of well-known upstream models, as their vendors
 * published them (checked 2026-12-05). The first pattern that matches a model id wins; config's
 * `[context_windows]` overrides by exact id. Unknown models have no window: ccmux then never
 * second-guesses the upstream.
 */
const KNOWN_WINDOWS: [pattern: RegExp, tokens: number][] = [
  [/^claude-.*\[1m\]$/i, 1_000_000],
  [/^claude-/i, 200_000],
  [/^gpt-4\.1/i, 1_047_576],
  [/^gpt-5/i, 400_000],
  [/^gpt-4o|^gpt-4-turbo/i, 128_000],
  [/^o[134](-|$)/i, 200_000],
  [/^gemini-(1\.5-pro)/i, 2_097_152],
  [/^gemini-/i, 1_048_576],
  [/^deepseek-/i, 128_000],
  [/^(qwen3-coder|qwen-coder)/i, 262_144],
  [/^kimi-k2/i, 262_144],
  [/^glm-4\.[56]/i, 200_000],
];

/** The model's window in tokens, or undefined when neither config nor the table knows it. */
export function contextWindow(model: string, overrides: Record<string, number> = {}): number | undefined {
  const own = overrides[model];
  if (own !== undefined) return own;
  const bare = model.includes("/") ? model.slice(model.lastIndexOf("/") + 1) : model;
  return KNOWN_WINDOWS.find(([pattern]) => pattern.test(bare))?.[1];
}
