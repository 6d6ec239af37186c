import { toOpenAIError } from "../../translate/openai-chat/front-door/errors.ts";
import type { Scrub } from "../../util/errors.ts";

/** What the OpenAI front doors (Chat Completions, Responses) share. */
const PASSED_HEADERS = [
  "content-type",
  "cache-control",
  "x-ccmux-route",
  "x-ccmux-provider",
  "x-ccmux-model",
  "server-timing",
  "retry-after",
  "request-id",
];

/** The proxy's answer, already written in the front door's API, with only the headers OpenAI clients get. */
export function frontDoorResponse(res: Response): Response {
  const headers = new Headers();
  for (const name of PASSED_HEADERS) {
    const v = res.headers.get(name);
    if (v !== null) headers.set(name, v);
  }
  return new Response(res.body, { status: res.status, headers });
}

export function openAIErrorResponse(err: unknown, scrub?: Scrub): Response {
  const { status, body, headers } = toOpenAIError(err, scrub);
  return Response.json(body, { status, headers });
}
