import type { Hono } from "hono";
import type { FinishedRequest, RequestFeed } from "../../proxy/request-record.ts";

/** How many finished requests a newly opened page gets at once. */
export const LIVE_LOG_SIZE = 200;
const KEEPALIVE_MS = 15_000;
const enc = new TextEncoder();

/** The log line's fields of a finished request: no body, no session id. */
function logFields(r: FinishedRequest) {
  return {
    time: r.time,
    id: r.id,
    endpoint: r.endpoint,
    requestedModel: r.requestedModel,
    route: r.route,
    provider: r.provider,
    account: r.account,
    upstreamModel: r.upstreamModel,
    stream: r.stream,
    status: r.status,
    latencyMs: r.latencyMs,
    ttftMs: r.ttftMs,
    attempts: r.attempts,
    tokens: r.tokens,
    subscription: r.subscription,
    clientAbort: r.clientAbort,
    errorType: r.errorType,
  };
}

const event = (r: FinishedRequest) => enc.encode(`event: request\ndata: ${JSON.stringify(logFields(r))}\n\n`);

/**
 * The live log: the last LIVE_LOG_SIZE finished requests, and every new one pushed to each open
 * page over SSE. Subscribed once per server to the request feed (which outlives config reloads);
 * on the request path it only appends to a ring and enqueues bytes.
 */
export function createLiveLog(feed: RequestFeed) {
  const recent: FinishedRequest[] = [];
  const clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  feed.subscribe((record) => {
    recent.push(record);
    if (recent.length > LIVE_LOG_SIZE) recent.shift();
    if (clients.size === 0) return;
    const bytes = event(record);
    for (const c of clients) c.enqueue(bytes);
  });
  return {
    /** An SSE body: the backlog, then each request as it finishes, with keepalive comments. */
    stream(signal: AbortSignal): ReadableStream<Uint8Array> {
      let ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;
      let timer: ReturnType<typeof setInterval> | undefined;
      const close = () => {
        clearInterval(timer);
        if (ctrl) clients.delete(ctrl);
      };
      signal.addEventListener("abort", close, { once: true });
      return new ReadableStream<Uint8Array>({
        start(c) {
          ctrl = c;
          c.enqueue(enc.encode("retry: 3000\n\n"));
          for (const r of recent) c.enqueue(event(r));
          clients.add(c);
          timer = setInterval(() => c.enqueue(enc.encode(": keepalive\n\n")), KEEPALIVE_MS);
        },
        cancel: close,
      });
    },
  };
}

export type LiveLog = ReturnType<typeof createLiveLog>;

/** GET /api/logs/stream, under the admin guard. */
export function mountLiveLog(app: Hono, log: LiveLog): void {
  app.get("/api/logs/stream", (c) => {
    const body = log.stream(c.req.raw.signal);
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      },
    });
  });
}
