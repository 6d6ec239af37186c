import type { Attempt } from "./attempts.ts";

/** Token counts as the upstream reported them; 0 when it reported none. */
export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * One finished request, published once when its answer ended (or failed, or the client went away).
 * Never holds a body. Subscribers: the log line, usage history, metrics, the live log, account stats.
 */
export interface FinishedRequest {
  /** Epoch ms when the request arrived. */
  time: number;
  id: string;
  /** The path the client called, e.g. "/v1/messages" or "/v1/chat/completions". */
  endpoint: string;
  requestedModel: string;
  /** The router slot ("default", "background", …); "" when routing failed. */
  route: string;
  /** The provider that answered, or the last one tried; "" when none was. */
  provider: string;
  /** The pooled account that answered, when the provider has several. */
  account?: string;
  upstreamModel: string;
  stream: boolean;
  /** The status the client got (499 when it went away before the answer started). */
  status: number;
  latencyMs: number;
  /** Time to the first relayed byte of a streamed answer. */
  ttftMs?: number;
  attempts: Attempt[];
  tokens: TokenCounts;
  /** Claude Code's session id, when the request carried one. */
  session?: string;
  /** True when the provider is paid by subscription (OAuth login), not per token. */
  subscription: boolean;
  clientAbort: boolean;
  /** The Anthropic error type when the request failed (mid-stream failures included). */
  errorType?: string;
  /** What went wrong, in words, for the log line ("stream ended before message_stop", an error message). */
  failure?: string;
}

export type RequestSubscriber = (record: FinishedRequest) => void;

/**
 * Where finished-request records go. Lives beside `health` (survives hot reload). `publish` is a
 * loop over a small array on the request path: subscribers must only queue work for later.
 */
export interface RequestFeed {
  subscribe(subscriber: RequestSubscriber): () => void;
  publish(record: FinishedRequest): void;
  /** Streamed answers still being relayed. */
  readonly streamsInFlight: number;
  streamOpened(): void;
  streamClosed(): void;
}

export function createRequestFeed(onSubscriberError?: (err: unknown) => void): RequestFeed {
  let subscribers: RequestSubscriber[] = [];
  let streams = 0;
  return {
    subscribe(subscriber) {
      subscribers = [...subscribers, subscriber];
      return () => {
        subscribers = subscribers.filter((s) => s !== subscriber);
      };
    },
    publish(record) {
      for (const subscriber of subscribers) {
        try {
          subscriber(record);
        } catch (err) {
          onSubscriberError?.(err);
        }
      }
    },
    get streamsInFlight() {
      return streams;
    },
    streamOpened: () => void streams++,
    streamClosed: () => void (streams = Math.max(0, streams - 1)),
  };
}

export function noTokens(): TokenCounts {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
}
