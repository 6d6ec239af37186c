import { UpstreamError } from "../util/errors.ts";

/** A whole upstream body over the cap: the upstream's fault, so a retryable 502 that fails over. */
export function bodyTooLarge(provider: string, capBytes: number): UpstreamError {
  return new UpstreamError({
    status: 502,
    message: `${provider}: upstream answer is larger than max_upstream_body_mb (${capBytes / (1024 * 1024)} MB)`,
    provider,
    retryable: true,
  });
}

/**
 * The body's length when its Content-Length says what `bytes()` will hold: not when the body is
 * encoded (fetch decodes gzip/br/deflate, and a decoded body may be far larger than what was sent).
 */
function declaredLength(headers: Headers): number | undefined {
  const encoding = headers.get("content-encoding");
  if (encoding && encoding.trim().toLowerCase() !== "identity") return undefined;
  const raw = headers.get("content-length");
  if (raw === null || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}

/** The chunks read so far in one buffer. */
function joined(chunks: Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

async function readCounted(
  body: ReadableStream<Uint8Array>,
  capBytes: number,
  provider: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return joined(chunks, total);
    total += value.byteLength;
    if (total > capBytes) {
      chunks.length = 0;
      await reader.cancel().catch(() => {});
      throw bodyTooLarge(provider, capBytes);
    }
    chunks.push(value);
  }
}

/**
 * Reads a whole (non-streamed) upstream body, never holding more than `capBytes` of it. A
 * Content-Length over the cap is refused before a byte is read; a body of declared length is read
 * natively in one piece; any other is counted as it arrives and cancelled at the cap.
 */
export async function readCappedBody(
  res: Response,
  capBytes: number,
  provider: string,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!res.body) return new Uint8Array(0);
  const declared = declaredLength(res.headers);
  if (declared !== undefined && declared > capBytes) {
    await res.body.cancel().catch(() => {});
    throw bodyTooLarge(provider, capBytes);
  }
  if (declared !== undefined) return res.bytes();
  return readCounted(res.body, capBytes, provider);
}
