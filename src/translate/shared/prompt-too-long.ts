const CONTEXT_LENGTH = /maximum context length|context length|too many tokens|context window/i;

/** An upstream error that means the prompt does not fit the model's context window. */
export function isContextLengthError(code: unknown, message: string): boolean {
  return code === "context_length_exceeded" || CONTEXT_LENGTH.test(message);
}

/**
 * Anthropic's wording, which Claude Code parses to trigger compaction:
 * `prompt is too long: N tokens > M maximum`. Numbers come from the upstream message when it has them.
 */
export function promptTooLongMessage(upstream: string): string {
  const text = upstream.replace(/(\d),(\d{3})/g, "$1$2");
  const numbers = [...text.matchAll(/\d+/g)].map((m) => Number(m[0]));
  const keyword = /(?:maximum|max|limit)[^0-9.]*?(\d+)/i.exec(text);
  let maximum: number;
  if (keyword) maximum = Number(keyword[1]);
  else if (numbers.length >= 2) maximum = [...numbers].sort((a, b) => b - a)[1]!;
  else maximum = numbers[0] ?? 200000;
  const larger = numbers.filter((n) => n > maximum);
  const actual = larger.length > 0 ? Math.max(...larger) : maximum + 1;
  return `prompt is too long: ${actual} tokens > ${maximum} maximum`;
}
