import type { AnthropicEvents, SendOutcome } from "../contracts/adapter.ts";
import type { MessageResponse, StreamEvent } from "../contracts/anthropic.ts";
import { healthKey } from "../providers/health.ts";
import type { AnswerWriter, EventEncoder } from "../stream/answer-writer.ts";
import { isMessage, messageEvents } from "../stream/message-events.ts";
import { translatedEvents } from "../stream/translated-events.ts";
import { anthropicEventReader } from "../translate/anthropic/event-reader.ts";
import { UpstreamError } from "../util/errors.ts";
import { traceBody } from "./debug-log.ts";
import { relaySseBytes, relayTypedEvents } from "./relay-body.ts";
import { finishTrace, type RequestTrace } from "./request-trace.ts";
import { addEventUsage, addUsage, createUsageWatcher, usageOf, type UsageCounts } from "./usage-tap.ts";
import { concatBytes } from "../util/bytes.ts";

/** An answer in the form it is written: typed wherever the client's API differs from the upstream's. */
export type Answer =
  | { kind: "sse-bytes"; body: ReadableStream<Uint8Array> }
  | { kind: "json-bytes"; bytes: Uint8Array<ArrayBuffer> }
  | { kind: "events"; events: AnthropicEvents }
  | { kind: "message"; message: MessageResponse };

interface StreamFailure {
  why: string;
  errorType: string;
}

const decoder = new TextDecoder();

function parsedMessage(bytes: Uint8Array, provider: string): MessageResponse {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(bytes));
  } catch {
    body = undefined;
  }
  if (isMessage(body)) return body;
  throw new UpstreamError({
    status: 502,
    message: `${provider}: the upstream's answer is not an Anthropic message`,
    provider,
    retryable: true,
  });
}

/**
 * Reads an adapter's outcome for the client's API: an Anthropic-compatible upstream's bytes stay
 * bytes for an Anthropic client (and a whole body that streams to nobody stays unparsed); for any
 * other client, or a streamed request answered whole, they become typed.
 */
export function answerOf(outcome: SendOutcome, writer: AnswerWriter, streamed: boolean, provider: string): Answer {
  if (outcome.kind !== "pass-through") return outcome;
  if (outcome.stream) {
    if (writer.anthropic) return { kind: "sse-bytes", body: outcome.body };
    return { kind: "events", events: translatedEvents(outcome.body, anthropicEventReader()) };
  }
  if (writer.anthropic && !streamed) return { kind: "json-bytes", bytes: outcome.body };
  return { kind: "message", message: parsedMessage(outcome.body, provider) };
}

/** Counts the account's tokens, writes the request line and publishes the finished request. */
export function finishAnswered(
  trace: RequestTrace,
  status: number,
  usage: UsageCounts,
  end: "ok" | "aborted",
  failure?: StreamFailure,
): void {
  if (trace.account)
    trace.deps.pools.counted(healthKey(trace.provider, trace.account), { input: usage.input, output: usage.output });
  const clientAbort = end === "aborted";
  finishTrace(trace, { status, usage, clientAbort, errorType: failure?.errorType, failure: failure?.why });
}

export type WholeAnswer = Extract<Answer, { kind: "json-bytes" | "message" }>;

const encoder = new TextEncoder();

/** A whole answer's JSON body, written once; the request is finished here. */
export function wholeBody(
  trace: RequestTrace,
  answer: WholeAnswer,
  writer: AnswerWriter,
  status: number,
): Uint8Array<ArrayBuffer> {
  const bytes =
    answer.kind === "json-bytes" ? answer.bytes : encoder.encode(JSON.stringify(writer.message(answer.message)));
  traceBody(trace.deps, "response body", bytes);
  const usage = answer.kind === "message" ? messageUsage(answer.message) : usageOf(bytes);
  finishAnswered(trace, status, usage, "ok");
  return bytes;
}

function messageUsage(message: MessageResponse): UsageCounts {
  const usage: UsageCounts = {};
  addUsage(usage, message.usage);
  return usage;
}

/** A body of one chunk. */
export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** A whole message to a streamed request: the events that would have carried it, in one chunk. */
function messageStream(trace: RequestTrace, message: MessageResponse, encoder: EventEncoder, status: number) {
  const bytes = concatBytes(encoder.encode(messageEvents(message)), encoder.end());
  traceBody(trace.deps, "stream bytes", bytes);
  trace.ttftMs ??= performance.now() - trace.started;
  finishAnswered(trace, status, messageUsage(message), "ok");
  return bytesStream(bytes);
}

/**
 * A streamed answer's body, noting the first byte out and publishing the record when it ends;
 * usage is read from typed events, or from the bytes of a pass-through relayed untouched.
 */
export function streamedBody(
  trace: RequestTrace,
  answer: Answer,
  encoder: EventEncoder,
  status: number,
  held = false,
): ReadableStream<Uint8Array> {
  if (answer.kind === "message") return messageStream(trace, answer.message, encoder, status);
  if (answer.kind === "json-bytes")
    return messageStream(trace, parsedMessage(answer.bytes, trace.provider), encoder, status);
  const { deps } = trace;
  let failure: StreamFailure | undefined;
  const usage: UsageCounts = {};
  const watcher = answer.kind === "sse-bytes" ? createUsageWatcher() : undefined;
  const hooks = {
    held,
    onFailure: (why: string, errorType: string) => (failure = { why, errorType }),
    onOutput: (bytes: Uint8Array) => {
      trace.ttftMs ??= performance.now() - trace.started;
      traceBody(deps, "stream bytes", bytes);
      watcher?.watch(bytes);
    },
    onEnd: (outcome: "ok" | "aborted") => {
      deps.requests.streamClosed();
      finishAnswered(trace, status, watcher?.usage ?? usage, outcome, failure);
    },
  };
  deps.requests.streamOpened();
  if (answer.kind === "sse-bytes") return relaySseBytes(answer.body, trace.provider, deps, hooks);
  const onEvents = (events: StreamEvent[]) => addEventUsage(usage, events);
  return relayTypedEvents(answer.events, encoder, trace.provider, deps, { ...hooks, onEvents });
}
