import type { ProviderConfig } from "../../config/types.ts";
import { toCodeAssistRequest, toGeminiRequest } from "../../translate/gemini/request.ts";
import { AuthError } from "../../util/errors.ts";
import { providerKind } from "../../catalog/providers.ts";
import { joinUrl } from "../http.ts";
import type { AdapterOptions, ProviderAdapter } from "../../contracts/adapter.ts";
import { fillSlots, finishHeaders, wireRules } from "../wire-shape.ts";
import { headerSafe, pathSegment } from "../../util/wire-text.ts";
import { createGeminiSender, googleHeaders, type GeminiEndpoint } from "./sender.ts";

export const GEMINI_API_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";
export const CODE_ASSIST_BASE_URL = "https://cloudcode-pa.googleapis.com";

/** `:generateContent`, or `:streamGenerateContent?alt=sse` (without alt=sse Google streams one JSON array). */
export function generateMethod(stream: boolean): string {
  return stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
}

/** AI Studio with an API key, sent in `x-goog-api-key` so it never appears in a URL. */
function apiKeyEndpoint(config: ProviderConfig): GeminiEndpoint {
  const base = config.base_url || providerKind(config.provider_type)?.baseUrl || GEMINI_API_BASE_URL;
  return {
    prepare({ req, model, stream, signatureScope, creds }) {
      if (!creds.apiKey) throw new AuthError(`provider "${config.name}" has no Gemini API key`);
      const headers = googleHeaders(config, stream);
      headers.set("x-goog-api-key", creds.apiKey);
      const url = joinUrl(base, `/models/${pathSegment(model.replace(/^models\//, ""))}${generateMethod(stream)}`);
      return { url, headers, body: toGeminiRequest(req, { model, signatureScope }) };
    },
  };
}

/**
 * Gemini CLI's "Login with Google": the Code Assist v1internal API with a Bearer token and the
 * account's Code Assist project from the token store. CCMUX_CODE_ASSIST_BASE_URL (or the login's
 * CCMUX_OAUTH_GOOGLE_CODE_ASSIST_URL) moves it, for tests.
 */
function codeAssistEndpoint(config: ProviderConfig, opts: AdapterOptions): GeminiEndpoint {
  const env = opts.env;
  const base = env.CCMUX_CODE_ASSIST_BASE_URL || env.CCMUX_OAUTH_GOOGLE_CODE_ASSIST_URL || CODE_ASSIST_BASE_URL;
  const rules = wireRules("code-assist", config);
  const userAgent = rules.markers["user-agent"] ?? "";
  return {
    codeAssist: true,
    prepare({ req, model, stream, sessionId, signatureScope, creds }) {
      if (!creds.accessToken) throw new AuthError(`provider "${config.name}" has no Google access token`);
      const headers = googleHeaders(config, stream);
      headers.set("authorization", `Bearer ${creds.accessToken}`);
      headers.set("user-agent", headerSafe(fillSlots(userAgent, { model })));
      finishHeaders(headers, rules);
      const body = toCodeAssistRequest(req, {
        model,
        project: creds.projectId,
        sessionId,
        promptId: crypto.randomUUID(),
        signatureScope,
      });
      return { url: joinUrl(base, `/v1internal${generateMethod(stream)}`), headers, body };
    },
  };
}

/** provider_type "gemini": the API key dialect, or Code Assist with auth_type = "oauth". */
export function createGeminiAdapter(config: ProviderConfig, opts: AdapterOptions): ProviderAdapter {
  const endpoint = config.auth_type === "oauth" ? codeAssistEndpoint(config, opts) : apiKeyEndpoint(config);
  const send = createGeminiSender(config, endpoint);
  return { name: config.name, kind: config.provider_type, config, send };
}
