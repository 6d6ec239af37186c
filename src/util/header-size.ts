import { UpstreamError } from "./errors.ts";

/**
 * An upstream answer whose headers together pass this is refused whole (a retryable 502): real
 * APIs send a few KB, and whatever of them ccmux relays has to stay parseable for its clients.
 */
export const MAX_UPSTREAM_HEADER_BYTES = 64 * 1024;

/** Node clients refuse an answer whose headers pass 16 KB; ccmux's own headers need room too. */
export const MAX_RELAYED_HEADER_BYTES = 8 * 1024;

/** The size of header lines as sent: `name: value\r\n`. */
export function headerBytes(headers: Headers | Record<string, string>): number {
  let size = 0;
  const add = (value: string, name: string) => {
    size += name.length + value.length + 4;
  };
  if (headers instanceof Headers) headers.forEach(add);
  else for (const [name, value] of Object.entries(headers)) add(value, name);
  return size;
}

/** Headers over `limit` bytes: the upstream's fault, so a retryable 502 naming the provider. */
export function oversizedHeaders(provider: string, limit: number, what = "upstream response headers"): UpstreamError {
  return new UpstreamError({
    status: 502,
    message: `${provider}: ${what} exceed ${limit / 1024} KB`,
    provider,
    retryable: true,
  });
}
