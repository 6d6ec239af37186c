/**
 * How long an upstream asks us to wait, in whole seconds: `retry-after` (seconds or an HTTP date),
 * else `retry-after-ms`. Undefined when neither is there or readable.
 */
export function retryAfterSeconds(headers: Headers, now: () => number = Date.now): number | undefined {
  const raw = headers.get("retry-after");
  if (raw) {
    const seconds = Number(raw);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
    const date = Date.parse(raw);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now()) / 1000));
  }
  const ms = Number(headers.get("retry-after-ms") ?? Number.NaN);
  return Number.isFinite(ms) && ms >= 0 ? Math.ceil(ms / 1000) : undefined;
}

/** "Please try again in 11.054s" / "in 250ms" → whole seconds. */
export function retryAfterFromMessage(message: string): number | undefined {
  const m = /try again in (\d+(?:\.\d+)?)\s*(ms|s)\b/i.exec(message);
  if (!m) return undefined;
  const value = Number(m[1]);
  return Math.ceil(m[2]!.toLowerCase() === "ms" ? value / 1000 : value);
}
