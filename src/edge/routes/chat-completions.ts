import type { Context } from "hono";
import { fromOpenAIRequest } from "../../translate/openai-chat/front-door/request.ts";
import { toOpenAIResponse } from "../../translate/openai-chat/front-door/response.ts";
import { frontDoorEncoder } from "../../translate/shared/front-door-sse.ts";
import { anthropicToOpenAIStreamTranslator } from "../../translate/openai-chat/front-door/stream.ts";
import type { AnswerWriter } from "../../stream/answer-writer.ts";
import { frontDoorResponse } from "./front-door.ts";
import { parseJsonBody, requireJsonContentType } from "../parse-body.ts";
import { proxyAnthropic } from "../../proxy/proxy-request.ts";
import type { DepsHolder } from "../../proxy/deps.ts";

/** OpenAI sends the final usage chunk only when the client asked with stream_options.include_usage. */
function wantsUsage(body: unknown): boolean {
  const options = (body as { stream_options?: { include_usage?: unknown } }).stream_options;
  return options?.include_usage === true;
}

/**
 * POST /v1/chat/completions: the OpenAI front door. The request is translated to Anthropic at the
 * edge, routed like /v1/messages, and the answer translated back (JSON or SSE chunks).
 */
export function chatCompletionsHandler(holder: DepsHolder) {
  return async (c: Context) => {
    const deps = holder.current();
    const started = performance.now();
    requireJsonContentType(c.req.header("content-type"));
    const text = await c.req.text();
    const body = parseJsonBody(text);
    const req = fromOpenAIRequest(body);
    const clientModel = req.model;
    const created = Math.floor(Date.now() / 1000);
    const writer: AnswerWriter = {
      anthropic: false,
      stream: () =>
        frontDoorEncoder(
          anthropicToOpenAIStreamTranslator({ model: clientModel, created, includeUsage: wantsUsage(body) }),
        ),
      message: (message) => toOpenAIResponse(message, { model: clientModel, created }),
    };
    return frontDoorResponse(await proxyAnthropic(c, deps, req, { length: text.length }, started, writer));
  };
}
