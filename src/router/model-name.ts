import { RequestError } from "../util/errors.ts";

/** Longer than any model id a provider publishes (the longest, Bedrock ARNs and Hugging Face repos, stay under 200). */
export const MAX_MODEL_NAME_LENGTH = 256;

/** C0 and C1 controls, DEL, and UTF-16 halves without their pair (unicode-mode regexes match only lone ones). */
const IMPOSSIBLE = /[\p{Cc}\p{Cs}]/u;

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Why no provider could accept `name` as a model, or undefined when one might. */
export function modelNameProblem(name: string): string | undefined {
  if (name.trim() === "") return "it is empty";
  if (name.length > MAX_MODEL_NAME_LENGTH)
    return `it is ${name.length} characters long (at most ${MAX_MODEL_NAME_LENGTH})`;
  const bad = IMPOSSIBLE.exec(name)?.[0];
  if (bad === undefined) return undefined;
  return /\p{Cs}/u.test(bad)
    ? `it holds a lone UTF-16 surrogate (${codePoint(bad)})`
    : `it holds a control character (${codePoint(bad)})`;
}

/**
 * Refuses, before anything is sent, a requested model that no upstream accepts. Everything else
 * is a name like any other: it is encoded wherever it goes (URLs, headers), never interpreted.
 */
export function assertModelName(name: string): void {
  const problem = modelNameProblem(name);
  if (!problem) return;
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
  throw new RequestError(`model: ${shown} is not a model name any provider accepts: ${problem}`);
}
