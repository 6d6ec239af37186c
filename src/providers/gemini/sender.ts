import type { ProviderConfig } from "../../config/types.ts";
import type { MessagesRequest } from "../../contracts/anthropic.ts";
import { mapGoogleError } from "../../translate/gemini/errors.ts";
import { fromGeminiResponse } from "../../translate/gemini/response.ts";
import { geminiStreamTranslator } from "../../translate/gemini/stream.ts";
import { withAuthRetry } from "../auth-retry.ts";
import { upstreamFetch } from "../http.ts";
import { readJsonBody, translatedMessage, translatedStream } from "../upstream-answer.ts";
import { conversationId } from "../session-id.ts";
import type { Credentials, SendContext, SendOutcome } from "../../contracts/adapter.ts";
import { withQuotaWait } from "./quota-wait.ts";

/** What one Gemini-protocol upstream call needs, for the endpoint to turn into URL, headers and body. */
export interface GeminiTurn {
  req: MessagesRequest;
  /** The upstream model id. */
  model: string;
  stream: boolean;
  sessionId: string;
  /** Upstream identity stamped on thought signatures (see translate/gemini/signature.ts). */
  signatureScope: string;
  creds: Credentials;
}

export interface GeminiCall {
  url: string;
  headers: Headers;
  body: unknown;
}

/** Where and how a Gemini-protocol upstream is called: API key, Code Assist or Vertex AI. */
export interface GeminiEndpoint {
  prepare(turn: GeminiTurn): GeminiCall;
  /** Responses come wrapped as `{response:{…}}` (Code Assist). */
  codeAssist?: boolean;
}

/** JSON headers with the provider's own headers first, so ccmux's protocol headers win. */
export function googleHeaders(config: ProviderConfig, stream: boolean): Headers {
  const headers = new Headers(config.headers);
  headers.set("content-type", "application/json");
  headers.set("accept", stream ? "text/event-stream" : "application/json");
  return headers;
}

export type GeminiSend = (req: MessagesRequest, ctx: SendContext) => Promise<SendOutcome>;

/**
 * Sends an Anthropic request to a Gemini-protocol endpoint: 401 → one refresh and retry, a short
 * 429 RetryInfo waited out, the answer translated back (streamed or as one JSON message).
 */
export function createGeminiSender(config: ProviderConfig, endpoint: GeminiEndpoint): GeminiSend {
  return async (req, ctx) => {
    const stream = req.stream === true;
    const base = {
      req,
      model: ctx.model,
      stream,
      sessionId: conversationId(req, ctx.inbound),
      signatureScope: `${config.name}/${ctx.model}`,
    };
    const res = await withAuthRetry(ctx, config.name, (creds) =>
      withQuotaWait(ctx, config.name, () => {
        const call = endpoint.prepare({ ...base, creds });
        const init = { method: "POST", headers: call.headers, body: JSON.stringify(call.body) };
        return upstreamFetch(call.url, init, ctx, config.name, mapGoogleError);
      }),
    );
    const opts = { model: req.model, signatureScope: base.signatureScope };
    if (!stream) return translatedMessage(fromGeminiResponse(await readJsonBody(res, config.name), opts), req);
    return translatedStream(
      res,
      config.name,
      geminiStreamTranslator({ ...opts, codeAssist: endpoint.codeAssist }),
      req,
      ctx,
    );
  };
}
