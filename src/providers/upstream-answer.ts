import { translateHoldingStart } from "./hold-start.ts";
import type { StreamTranslator } from "../stream/pipeline.ts";
import { sseHeaders } from "../stream/sse.ts";
import { TranslateError } from "../util/errors.ts";
import { streamBody } from "./http.ts";

/** A 2xx upstream body parsed as JSON; anything else is a 502 naming the provider. */
export async function readJsonBody(res: Response, provider: string): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new TranslateError(`${provider}: upstream answered ${res.status} with a body that is not JSON`, 502);
  }
}

export function jsonResponse(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
}

/**
 * A translated streamed answer: the upstream's SSE through `translator`, held until the first content
 * so that an early failure still fails over, then relayed as Anthropic SSE.
 */
export async function translatedSseResponse<S>(
  res: Response,
  provider: string,
  translator: StreamTranslator<S>,
): Promise<Response> {
  const body = await translateHoldingStart(streamBody(res, provider), translator);
  return new Response(body, { status: 200, headers: sseHeaders() });
}
