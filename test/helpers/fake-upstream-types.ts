// The public shape of the fake upstream (see fake-upstream.ts).
import type { Reply } from "./fake-replies.ts";

export interface RecordedRequest {
  method: string;
  /** Path including the query string, e.g. "/v1/messages?beta=true". */
  path: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
  bodyText: string;
  /** Parses bodyText; throws a descriptive error if it is not JSON. */
  json<T = any>(): T;
  /** performance.now() when the whole request had arrived. */
  receivedAt: number;
}

export type ReplyHandler = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface CloseRecord {
  /** performance.now() of the socket's close event. */
  at: number;
  /** True when the fake closed it (reset, Connection: close, stop()). */
  byServer: boolean;
  /** True when a reply was still in progress (or not yet started) for a received request. */
  midReply: boolean;
}

export interface FakeUpstreamOptions {
  /**
   * Default false: every response carries `connection: close` and the fake closes the socket after it,
   * so openConnections() counts only unfinished exchanges. True keeps HTTP/1.1 connections alive.
   */
  keepAlive?: boolean;
}

export interface FakeUpstream {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly closes: CloseRecord[];
  /** Requests whose connection was closed by the client before the reply finished. */
  readonly aborted: number;
  /** performance.now() of the most recent connection close (any cause). */
  readonly lastCloseAt: number | undefined;
  /** performance.now() of the most recent client-side close during a reply. */
  readonly lastAbortAt: number | undefined;
  /** Handler exceptions and unparseable requests (the client got a 500 / 4xx). */
  readonly errors: Error[];
  /** Queue a one-shot reply (a Reply or a handler). Queued replies are used in order, before the default. */
  reply(reply: Reply | ReplyHandler): void;
  /** Reply used when the queue is empty. Initially a 404 naming the unscripted request. */
  setDefault(reply: Reply | ReplyHandler): void;
  openConnections(): number;
  /** Requests received whose reply has not finished and whose connection is still open. */
  activeRequests(): number;
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Resolves once no client connection is open. */
  waitForClosedConnections(timeoutMs?: number): Promise<void>;
  waitForAborted(n: number, timeoutMs?: number): Promise<void>;
  /** Called on every connection close; returns an unsubscribe function. */
  onClose(listener: (close: CloseRecord) => void): () => void;
  /** Forget recorded requests, closes, errors, counters and queued replies (keeps the default). */
  clear(): void;
  /** Destroys all connections and closes the listener. Idempotent. */
  stop(): Promise<void>;
}
