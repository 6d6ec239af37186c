import type { MessageResponse, MessagesRequest } from "../contracts/anthropic.ts";
import { firstEventTimeout, translateHoldingStart } from "./hold-start.ts";
import type { SendContext } from "../contracts/adapter.ts";
import type { StreamTranslator } from "../stream/pipeline.ts";
import { sseHeaders } from "../stream/sse.ts";
import { withStopSequences } from "../translate/anthropic/stop-sequences.ts";
import { withInputEstimate } from "../translate/anthropic/input-estimate.ts";
import { cutAtStopSequence, usableStops } from "../translate/shared/stop-sequences.ts";
import { TranslateError } from "../util/errors.ts";
import { streamBody } from "./http.ts";

/** A 2xx upstream body parsed as JSON; anything else is a 502 naming the provider. */
export async function readJsonBody(res: Response, provider: string): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    throw new TranslateError(`${provider}: upstream answered ${res.status} with a body that is not JSON`, 502);
  }
}

/** A translated whole answer, cut at the client's first stop string (upstreams that can't be asked to). */
export function translatedJsonResponse(message: MessageResponse, req: MessagesRequest): Response {
  return jsonResponse(cutAtStopSequence(message, usableStops(req.stop_sequences)));
}

export function jsonResponse(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
}

/**
 * A translated streamed answer: the upstream's SSE through `translator`, held until the first content
 * (at most first_event_timeout_ms) so that an early failure still fails over, then relayed as
 * Anthropic SSE, cut at a stop string.
 */
export async function translatedSseResponse<S>(
  res: Response,
  provider: string,
  translator: StreamTranslator<S>,
  req: MessagesRequest,
  ctx: Pick<SendContext, "timeouts" | "estimatedInputTokens">,
): Promise<Response> {
  const estimated = withInputEstimate(translator, ctx.estimatedInputTokens);
  const stops = usableStops(req.stop_sequences);
  const bound = { ms: firstEventTimeout(ctx.timeouts), provider };
  const body =
    stops.length === 0
      ? await translateHoldingStart(streamBody(res, provider), estimated, bound)
      : await translateHoldingStart(streamBody(res, provider), withStopSequences(estimated, stops), bound);
  return new Response(body, { status: 200, headers: sseHeaders() });
}
