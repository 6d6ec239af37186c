import type { Context } from "hono";
import { fromResponsesRequest } from "../../translate/responses/front-door/request.ts";
import { toResponsesResponse } from "../../translate/responses/front-door/response.ts";
import { anthropicToResponsesStream } from "../../translate/responses/front-door/stream.ts";
import { frontDoorEncoder } from "../../translate/shared/front-door-sse.ts";
import type { AnswerWriter } from "../../stream/answer-writer.ts";
import { frontDoorResponse } from "./front-door.ts";
import { parseJsonBody, requireJsonContentType } from "../parse-body.ts";
import { proxyAnthropic } from "../../proxy/proxy-request.ts";
import type { DepsHolder } from "../../proxy/deps.ts";

/**
 * POST /v1/responses: the OpenAI Responses front door (Codex CLI, the AI SDK's `openai(model)`).
 * Translated to Anthropic at the edge, routed like /v1/messages, and the answer translated back
 * (a `response` object, or Responses stream events). Errors leave in OpenAI's shape (app.ts).
 */
export function responsesHandler(holder: DepsHolder) {
  return async (c: Context) => {
    const deps = holder.current();
    const started = performance.now();
    requireJsonContentType(c.req.header("content-type"));
    const text = await c.req.text();
    const req = fromResponsesRequest(parseJsonBody(text));
    const opts = { model: req.model, createdAt: Math.floor(Date.now() / 1000) };
    const writer: AnswerWriter = {
      anthropic: false,
      stream: () => frontDoorEncoder(anthropicToResponsesStream(opts)),
      message: (message) => toResponsesResponse(message, opts),
    };
    return frontDoorResponse(await proxyAnthropic(c, deps, req, { length: text.length }, started, writer));
  };
}
