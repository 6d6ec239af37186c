// An Anthropic upstream whose stream stops halfway until the test opens the gate: a test can see
// an answer arrive in pieces without depending on timing.

const enc = new TextEncoder();
const frame = (event: Record<string, unknown>) =>
  enc.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);

export interface GatedUpstream {
  url: string;
  /** Request headers of every call, lower-cased. */
  calls: Record<string, string>[];
  /** Lets the current (and next) stream finish. */
  open(): void;
  stop(): Promise<void>;
}

const HEAD = [
  {
    type: "message_start",
    message: {
      id: "msg_gated",
      type: "message",
      role: "assistant",
      model: "gated-upstream",
      content: [],
      stop_reason: null,
      usage: { input_tokens: 21, output_tokens: 1 },
    },
  },
  { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } },
  { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "The user wants a greeting." } },
  { type: "content_block_stop", index: 0 },
  { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
  { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Hello from" } },
];

const TAIL = [
  { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: " behind the gate." } },
  { type: "content_block_stop", index: 1 },
  {
    type: "content_block_start",
    index: 2,
    content_block: { type: "tool_use", id: "toolu_gated", name: "get_weather", input: {} },
  },
  { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"city":"Par' } },
  { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: 'is"}' } },
  { type: "content_block_stop", index: 2 },
  { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 34 } },
  { type: "message_stop" },
];

export function startGatedUpstream(): GatedUpstream {
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => (release = r));
  const calls: Record<string, string>[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      calls.push(Object.fromEntries(req.headers));
      const body = new ReadableStream<Uint8Array>({
        async start(ctrl) {
          for (const e of HEAD) ctrl.enqueue(frame(e));
          await gate;
          for (const e of TAIL) ctrl.enqueue(frame(e));
          ctrl.close();
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    calls,
    open() {
      release();
      gate = Promise.resolve();
    },
    stop: () => server.stop(true),
  };
}
