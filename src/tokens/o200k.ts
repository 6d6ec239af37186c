// The o200k tokenizer and its rank data (3.7 MB of JavaScript): a separate entry point of the binary
// (src/entry-points.ts), loaded on the first local token estimate only.
export { countTokens } from "gpt-tokenizer/encoding/o200k_base";
