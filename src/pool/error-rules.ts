import { compileRegex } from "../config/regex.ts";
import type { ErrorRule } from "../config/types.ts";
import { UpstreamError } from "../util/errors.ts";

const compiled = new Map<string, RegExp>();

function regexOf(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) compiled.set(source, (re = compileRegex(source)));
  return re;
}

/** The first `[[providers.error_rules]]` entry that matches an upstream error, by status and message. */
export function matchErrorRule(rules: ErrorRule[] | undefined, err: unknown): ErrorRule | undefined {
  if (!rules?.length || !(err instanceof UpstreamError)) return undefined;
  const message = err.message;
  return rules.find(
    (r) =>
      (r.status === undefined || r.status === err.status) &&
      (!r.body || message.toLowerCase().includes(r.body.toLowerCase())) &&
      (!r.regex || regexOf(r.regex).test(message)),
  );
}
