import type { MessageResponse } from "../../contracts/anthropic.ts";
import { toOpenAIError } from "../../translate/openai-chat/front-door/errors.ts";
import { TranslateError, type Scrub } from "../../util/errors.ts";

/** What the OpenAI front doors (Chat Completions, Responses) share. */
const PASSED_HEADERS = [
  "x-ccmux-route",
  "x-ccmux-provider",
  "x-ccmux-model",
  "server-timing",
  "retry-after",
  "request-id",
];

export function passHeaders(from: Headers, extra: Record<string, string>): Headers {
  const headers = new Headers(extra);
  for (const name of PASSED_HEADERS) {
    const v = from.get(name);
    if (v !== null) headers.set(name, v);
  }
  return headers;
}

export function isEventStream(res: Response): boolean {
  return /^text\/event-stream/i.test(res.headers.get("content-type") ?? "");
}

export async function messageOf(res: Response): Promise<MessageResponse> {
  try {
    return (await res.json()) as MessageResponse;
  } catch {
    throw new TranslateError("the upstream's answer is not a JSON message", 502);
  }
}

export function openAIErrorResponse(err: unknown, scrub?: Scrub): Response {
  const { status, body, headers } = toOpenAIError(err, scrub);
  return Response.json(body, { status, headers });
}
