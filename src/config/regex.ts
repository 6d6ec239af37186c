const LEADING_FLAGS = /^\(\?([a-zA-Z]+)\)/;
const SUPPORTED_FLAGS = new Set(["i", "s", "m"]);

/**
 * Compiles a regex written in Rust `regex` syntax, as claude-code-mux configs are.
 * A leading inline flag group such as `(?i)` or `(?is)` becomes JS flags; JS has no
 * other form of it. Throws SyntaxError on an invalid pattern or an unsupported flag.
 */
export function compileRegex(source: string): RegExp {
  const match = LEADING_FLAGS.exec(source);
  if (!match) return new RegExp(source);
  const flags = [...new Set(match[1] ?? "")];
  const unsupported = flags.filter((f) => !SUPPORTED_FLAGS.has(f));
  if (unsupported.length > 0) throw new SyntaxError(`unsupported inline flag "${unsupported.join("")}" in ${source}`);
  return new RegExp(source.slice(match[0].length), flags.join(""));
}
