import type { ProviderConfig } from "../../config/types.ts";
import { chatgptAccountId } from "../../auth/jwt.ts";
import { collectTranslated } from "../hold-start.ts";
import { assembleFromStream } from "../../translate/anthropic/assemble.ts";
import type { MessagesRequest } from "../../contracts/anthropic.ts";
import { responsesHttpError } from "../../translate/responses/errors.ts";
import { toResponsesRequest } from "../../translate/responses/request.ts";
import { fromResponsesResponse } from "../../translate/responses/response.ts";
import { responsesStreamTranslator } from "../../translate/responses/stream.ts";
import { UpstreamError } from "../../util/errors.ts";
import { withAuthRetry } from "../auth-retry.ts";
import { providerKind } from "../../catalog/providers.ts";
import { joinUrl, streamBody, upstreamFetch, type ErrorMapper } from "../http.ts";
import { readJsonBody, translatedJsonResponse, translatedSseResponse } from "../upstream-answer.ts";
import { conversationId } from "../session-id.ts";
import type { AdapterOptions, Credentials, ProviderAdapter, SendContext } from "../../contracts/adapter.ts";

export const CODEX_BASE_URL = "https://chatgpt.com/backend-api/codex";
export const CODEX_ORIGINATOR = "codex_cli_rs";

const mapError: ErrorMapper = (status, text, headers, provider) => {
  const err = responsesHttpError(status, text, { headers });
  return new UpstreamError({
    status: err.status,
    type: err.type,
    message: err.message,
    retryable: err.retryable,
    retryAfter: err.retryAfter,
    provider,
    headers: err.headers,
  });
};

/** ChatGPT OAuth (Codex endpoint) when auth_type is "oauth"; the public Responses API with a key otherwise. */
function endpointUrl(config: ProviderConfig, opts: AdapterOptions, codex: boolean): string {
  if (codex) return joinUrl(opts.env.CCMUX_CODEX_BASE_URL || CODEX_BASE_URL, "/responses");
  const base = config.base_url || providerKind("openai-responses")?.baseUrl || "https://api.openai.com/v1";
  return joinUrl(base, "/responses");
}

function buildHeaders(
  config: ProviderConfig,
  creds: Credentials,
  codex: boolean,
  sessionId: string,
  stream: boolean,
): Headers {
  const headers = new Headers(config.headers);
  headers.set("content-type", "application/json");
  headers.set("accept", stream ? "text/event-stream" : "application/json");
  const token = creds.accessToken ?? creds.apiKey;
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (!codex) return headers;
  const accountId = creds.accountId ?? chatgptAccountId(creds.accessToken);
  if (accountId) headers.set("chatgpt-account-id", accountId);
  headers.set("OpenAI-Beta", "responses=experimental");
  headers.set("originator", CODEX_ORIGINATOR);
  headers.set("session_id", sessionId);
  return headers;
}

/**
 * The OpenAI Responses API behind Anthropic's Messages API: ChatGPT Plus/Pro through the Codex
 * endpoint (stream-only, so non-streaming clients get the stream assembled), or the public API.
 */
export function createResponsesAdapter(config: ProviderConfig, opts: AdapterOptions): ProviderAdapter {
  const codex = config.auth_type === "oauth";
  const url = endpointUrl(config, opts, codex);

  async function call(req: MessagesRequest, ctx: SendContext): Promise<Response> {
    const sessionId = conversationId(req, ctx.inbound);
    const body = toResponsesRequest(req, { model: ctx.model, codex, sessionId });
    return withAuthRetry(ctx, config.name, (creds) => {
      const init = {
        method: "POST",
        headers: buildHeaders(config, creds, codex, sessionId, body.stream),
        body: JSON.stringify(body),
      };
      return upstreamFetch(url, init, ctx, config.name, mapError);
    });
  }

  return {
    name: config.name,
    kind: config.provider_type,
    config,
    async send(req, ctx) {
      const res = await call(req, ctx);
      const translator = () => responsesStreamTranslator({ model: req.model });
      if (req.stream === true) {
        return translatedSseResponse(res, config.name, translator(), req);
      }
      const message = codex
        ? assembleFromStream(await collectTranslated(streamBody(res, config.name), translator()))
        : fromResponsesResponse(await readJsonBody(res, config.name), { model: req.model });
      return translatedJsonResponse(message, req);
    },
  };
}
