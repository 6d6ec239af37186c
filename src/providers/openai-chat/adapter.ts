import type { ProviderConfig } from "../../config/types.ts";
import type { MessagesRequest } from "../../contracts/anthropic.ts";
import { mapChatError } from "../../translate/openai-chat/errors.ts";
import { toChatRequest } from "../../translate/openai-chat/request.ts";
import { fromChatResponse } from "../../translate/openai-chat/response.ts";
import { chatStreamTranslator } from "../../translate/openai-chat/stream.ts";
import { providerKind } from "../../catalog/providers.ts";
import { joinUrl, upstreamFetch } from "../http.ts";
import { readJsonBody, translatedMessage, translatedStream } from "../upstream-answer.ts";
import type { Credentials, ProviderAdapter, SendContext } from "../../contracts/adapter.ts";
import { supportsImages } from "./capabilities.ts";

function buildHeaders(config: ProviderConfig, creds: Credentials, stream: boolean): Headers {
  const headers = new Headers(providerKind(config.provider_type)?.headers);
  for (const [k, v] of Object.entries(config.headers)) headers.set(k, v);
  headers.set("content-type", "application/json");
  headers.set("accept", stream ? "text/event-stream" : "application/json");
  const token = creds.accessToken ?? creds.apiKey;
  if (token) headers.set("authorization", `Bearer ${token}`);
  return headers;
}

/** An OpenAI Chat Completions upstream behind Anthropic's Messages API, streaming included. */
export function createOpenAIChatAdapter(config: ProviderConfig): ProviderAdapter {
  const base = config.base_url || providerKind(config.provider_type)?.baseUrl;
  if (!base) throw new Error(`provider "${config.name}" needs base_url`);
  const url = joinUrl(base, "/chat/completions");

  async function call(req: MessagesRequest, ctx: SendContext): Promise<Response> {
    const body = toChatRequest(req, {
      model: ctx.model,
      providerType: config.provider_type,
      supportsImages: supportsImages(config, ctx.model),
      log: (msg) => ctx.log.debug(`${config.name}: ${msg}`),
    });
    const stream = req.stream === true;
    const init = {
      method: "POST",
      headers: buildHeaders(config, await ctx.credentials.get(), stream),
      body: JSON.stringify(body),
    };
    return upstreamFetch(url, init, ctx, config.name, mapChatError);
  }

  return {
    name: config.name,
    kind: config.provider_type,
    config,
    async send(req, ctx) {
      const res = await call(req, ctx);
      if (req.stream === true) {
        return translatedStream(res, config.name, chatStreamTranslator({ model: req.model }), req, ctx);
      }
      return translatedMessage(fromChatResponse(await readJsonBody(res, config.name), { model: req.model }), req);
    },
  };
}
