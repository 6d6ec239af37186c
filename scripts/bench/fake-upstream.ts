// A lean, instant upstream for the benchmark: Anthropic and OpenAI Chat, JSON and SSE.
//   bun scripts/bench/fake-upstream.ts   → prints {"port":N} on stdout, serves until killed
// A request whose body names a model containing "bench-slow" gets a slow stream instead
// (SLOW_EVENTS events, one every SLOW_INTERVAL_MS), for the open-streams measurements.
import { anthropicJsonAnswer, anthropicStreamEvents, openaiJsonAnswer, openaiStreamEvents } from "./payloads.ts";

export const STREAM_EVENTS = 200;
export const SLOW_EVENTS = 20;
export const SLOW_INTERVAL_MS = 100;

const encoder = new TextEncoder();
const STREAMING = /"stream"\s*:\s*true/;
const SLOW = '"bench-slow';

const anthropicSse = encoder.encode(anthropicStreamEvents(STREAM_EVENTS).join(""));
const openaiSse = encoder.encode(openaiStreamEvents(STREAM_EVENTS).join(""));
const anthropicJson = anthropicJsonAnswer();
const openaiJson = openaiJsonAnswer();
const slowEvents = anthropicStreamEvents(SLOW_EVENTS).map((e) => encoder.encode(e));

const JSON_HEADERS = { "content-type": "application/json", "request-id": "req_bench" };
const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "request-id": "req_bench",
};

function slowStream(): ReadableStream<Uint8Array> {
  let i = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setInterval(() => {
        controller.enqueue(slowEvents[i++]!);
        if (i < slowEvents.length) return;
        clearInterval(timer);
        controller.close();
      }, SLOW_INTERVAL_MS);
    },
    cancel() {
      clearInterval(timer);
    },
  });
}

async function answer(req: Request, openai: boolean): Promise<Response> {
  const body = await req.text();
  if (!STREAMING.test(body)) return new Response(openai ? openaiJson : anthropicJson, { headers: JSON_HEADERS });
  if (!openai && body.includes(SLOW)) return new Response(slowStream(), { headers: SSE_HEADERS });
  return new Response(openai ? openaiSse : anthropicSse, { headers: SSE_HEADERS });
}

export function startFakeUpstream(port = 0) {
  return Bun.serve({
    hostname: "127.0.0.1",
    port,
    idleTimeout: 0,
    routes: {
      "/health": new Response("ok"),
      "/v1/messages": { POST: (req) => answer(req, false) },
      "/v1/chat/completions": { POST: (req) => answer(req, true) },
    },
    fetch: () => new Response("not found", { status: 404 }),
  });
}

if (import.meta.main) {
  const server = startFakeUpstream();
  console.log(JSON.stringify({ port: server.port }));
}
