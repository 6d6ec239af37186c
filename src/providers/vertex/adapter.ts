import type { ProviderConfig } from "../../config/types.ts";
import { toGeminiRequest } from "../../translate/gemini/request.ts";
import { AuthError, ConfigError } from "../../util/errors.ts";
import { createAnthropicAdapter, type AnthropicAuthorizer } from "../anthropic/adapter.ts";
import { generateMethod } from "../gemini/adapter.ts";
import { createGeminiSender, googleHeaders, type GeminiEndpoint } from "../gemini/sender.ts";
import { headerSafe, pathSegment } from "../../util/wire-text.ts";
import { VERTEX_LOCATION } from "../../config/normalize-providers.ts";
import type { Credentials, ProviderAdapter } from "../../contracts/adapter.ts";

export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

/** `https://{location}-aiplatform.googleapis.com/v1`; the global location has no regional host. */
export function vertexBaseUrl(config: ProviderConfig): string {
  if (config.base_url) return config.base_url.replace(/\/+$/, "");
  const location = config.location ?? "";
  return `https://${location === "global" ? "" : `${location}-`}aiplatform.googleapis.com/v1`;
}

/** Claude models are published by Anthropic on Vertex; everything else is taken for Gemini. */
export function isClaudeModel(model: string): boolean {
  return model.startsWith("claude");
}

/** "publishers/google/models/gemini-2.5-pro" (as claude-code-mux's docs wrote it) → "gemini-2.5-pro". */
function bareModel(model: string): string {
  return model.replace(/^(publishers\/[^/]+\/)?models\//, "");
}

function bearer(headers: Headers, creds: Credentials, provider: string): void {
  if (!creds.accessToken) throw new AuthError(`provider "${provider}" has no Google access token`);
  headers.set("authorization", `Bearer ${creds.accessToken}`);
  if (creds.projectId) headers.set("x-goog-user-project", headerSafe(creds.projectId));
}

function geminiEndpoint(config: ProviderConfig, publishers: string): GeminiEndpoint {
  return {
    prepare({ req, model, stream, signatureScope, creds }) {
      const headers = googleHeaders(config, stream);
      bearer(headers, creds, config.name);
      const url = `${publishers}/google/models/${pathSegment(model)}${generateMethod(stream)}`;
      return { url, headers, body: toGeminiRequest(req, { model, signatureScope }) };
    },
  };
}

const authorizeClaude: AnthropicAuthorizer = (call, creds, config) => bearer(call.headers, creds, config.name);

/**
 * Vertex AI (provider_type "vertex-ai"): Gemini models through generateContent with ccmux's
 * translation, Claude models through rawPredict with the Anthropic pass-through (the body keeps
 * Anthropic's shape, with `anthropic_version` in it and the model in the URL).
 */
export function createVertexAdapter(config: ProviderConfig): ProviderAdapter {
  if (!config.project_id || !config.location)
    throw new ConfigError(`provider "${config.name}" (vertex-ai) needs project_id and location`);
  if (!VERTEX_LOCATION.test(config.location))
    throw new ConfigError(
      `provider "${config.name}" (vertex-ai): location "${config.location}" is not a Google Cloud region name`,
    );
  // A domain-scoped project id ("example.com:proj") keeps its colon: only the last segment's colon names a method.
  const project = pathSegment(config.project_id).replaceAll("%3A", ":");
  const publishers = `${vertexBaseUrl(config)}/projects/${project}/locations/${pathSegment(config.location)}/publishers`;
  const gemini = createGeminiSender(config, geminiEndpoint(config, publishers));
  const claude = createAnthropicAdapter(config, {
    authorize: authorizeClaude,
    wireKind: "vertex-claude",
    messagesUrl: (model, stream) =>
      `${publishers}/anthropic/models/${pathSegment(model)}:${stream ? "streamRawPredict" : "rawPredict"}`,
    finalizeBody: ({ model: _model, ...body }) => ({ ...body, anthropic_version: VERTEX_ANTHROPIC_VERSION }),
  });
  return {
    name: config.name,
    kind: config.provider_type,
    config,
    send(req, ctx) {
      const model = bareModel(ctx.model);
      return isClaudeModel(model) ? claude.send(req, { ...ctx, model }) : gemini(req, { ...ctx, model });
    },
  };
}
