import type { MessageResponse, MessagesRequest } from "../contracts/anthropic.ts";
import type { EventStream, SendContext, WholeMessage } from "../contracts/adapter.ts";
import { firstEventTimeout, holdUntilContent } from "./hold-start.ts";
import type { StreamTranslator } from "../stream/pipeline.ts";
import { translatedEvents } from "../stream/translated-events.ts";
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
export function translatedMessage(message: MessageResponse, req: MessagesRequest): WholeMessage {
  return { kind: "message", message: cutAtStopSequence(message, usableStops(req.stop_sequences)) };
}

/**
 * A translated streamed answer: the upstream's SSE through `translator`, cut at a stop string, and
 * read ahead until the first content (at most first_event_timeout_ms) so that an early failure
 * still fails over.
 */
export async function translatedStream<S>(
  res: Response,
  provider: string,
  translator: StreamTranslator<S>,
  req: MessagesRequest,
  ctx: Pick<SendContext, "timeouts" | "estimatedInputTokens">,
): Promise<EventStream> {
  const estimated = withInputEstimate(translator, ctx.estimatedInputTokens);
  const stops = usableStops(req.stop_sequences);
  const bound = { ms: firstEventTimeout(ctx.timeouts), provider };
  const body = streamBody(res, provider);
  const events =
    stops.length === 0
      ? translatedEvents(body, estimated)
      : translatedEvents(body, withStopSequences(estimated, stops));
  return { kind: "events", events: await holdUntilContent(events, bound) };
}
