// What ccmux sent upstream, read back the same way in every dialect: the tool results (with the call
// id each one answers), the images anywhere in the request, and the first user text. The e2e matrix
// scripts the model's next turn from this view and asserts on it.
import { dialectOf, type Dialect } from "./dialect-replies.ts";
import type { RecordedRequest } from "./fake-upstream-types.ts";

export interface ToolResultView {
  /** The call id the result answers (Gemini: functionResponse.id, which ccmux copies from the call). */
  id: string;
  text: string;
  isError: boolean;
}

export interface RequestView {
  dialect: Dialect;
  /** The model the upstream was asked for (Gemini: from the path). */
  model: string;
  results: ToolResultView[];
  /** Image parts anywhere in the request (inlineData, image_url, input_image, image blocks). */
  images: number;
  firstUserText: string;
  /** Everything the request carries, as text, for "did this reach the upstream" checks. */
  raw: string;
}

type Json = any;

const text = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v ?? ""));
const ERROR_PREFIX = /^Error: /;

function countImages(raw: string): number {
  return (raw.match(/"(inlineData|image_url|input_image)"|"type":"image"/g) ?? []).length;
}

function chatView(body: Json): Omit<RequestView, "dialect" | "images" | "raw"> {
  const messages: Json[] = body.messages ?? [];
  const results = messages
    .filter((m) => m.role === "tool")
    .map((m) => ({ id: String(m.tool_call_id), text: text(m.content), isError: ERROR_PREFIX.test(text(m.content)) }));
  return { model: String(body.model), results, firstUserText: text(messages.find((m) => m.role === "user")?.content) };
}

function geminiView(body: Json, path: string): Omit<RequestView, "dialect" | "images" | "raw"> {
  const contents: Json[] = body.contents ?? [];
  const results = contents
    .flatMap((c) => c.parts ?? [])
    .filter((p: Json) => p.functionResponse)
    .map((p: Json) => ({
      id: String(p.functionResponse.id ?? p.functionResponse.name),
      text: text(p.functionResponse.response),
      isError: p.functionResponse.response?.error !== undefined,
    }));
  const model = /\/models\/([^:]+):/.exec(path)?.[1] ?? "";
  return { model, results, firstUserText: text(contents.find((c) => c.role === "user")?.parts) };
}

function responsesView(body: Json): Omit<RequestView, "dialect" | "images" | "raw"> {
  const input: Json[] = Array.isArray(body.input) ? body.input : [];
  const results = input
    .filter((i) => i.type === "function_call_output")
    .map((i) => ({ id: String(i.call_id), text: text(i.output), isError: ERROR_PREFIX.test(text(i.output)) }));
  return { model: String(body.model), results, firstUserText: text(input.find((i) => i.role === "user")?.content) };
}

function anthropicView(body: Json): Omit<RequestView, "dialect" | "images" | "raw"> {
  const messages: Json[] = body.messages ?? [];
  const blocks = messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  const results = blocks
    .filter((b: Json) => b.type === "tool_result")
    .map((b: Json) => ({ id: String(b.tool_use_id), text: text(b.content), isError: b.is_error === true }));
  return { model: String(body.model), results, firstUserText: text(messages.find((m) => m.role === "user")?.content) };
}

export function viewOf(req: RecordedRequest): RequestView {
  const dialect = dialectOf(req);
  const body = req.json();
  const parts =
    dialect === "openai-chat"
      ? chatView(body)
      : dialect === "gemini"
        ? geminiView(body, req.path)
        : dialect === "responses"
          ? responsesView(body)
          : anthropicView(body);
  return { dialect, ...parts, images: countImages(req.bodyText), raw: req.bodyText };
}
