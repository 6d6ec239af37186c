import type { Usage } from "../../contracts/anthropic.ts";

/** A token count as upstreams report it: anything but a positive finite number counts as 0. */
export function tokenCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/** Anthropic usage counts are cumulative; a 0/null in message_delta means "unchanged". */
export function mergeUsage(into: Partial<Usage>, usage: Partial<Usage> | undefined): void {
  if (!usage) return;
  for (const key of [
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
  ] as const) {
    const value = usage[key];
    if (typeof value === "number" && value > 0) into[key] = value;
  }
}
