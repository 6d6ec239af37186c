// Oversized upstream response headers: ccmux answers a 502 naming the provider that every client can
// parse (Node's http parser refuses headers past 16 KB), instead of relaying them.
import { describe, expect, test } from "bun:test";
import { json, status } from "../helpers/fake-upstream.ts";
import { MESSAGE, useFaultRig } from "../helpers/fault-rig.ts";
import { rawRequest } from "../helpers/raw-http.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const r = useFaultRig();

const KB = 1024;
const CHAT_COMPLETION = {
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "o1",
  choices: [{ index: 0, message: { role: "assistant", content: "fine" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 3, completion_tokens: 1 },
};
const ERROR_400 = { type: "error", error: { type: "invalid_request_error", message: "bad" } };

/** POSTs a request for `model` with Node's own http client (a separate `node` process) and reports what it parsed. */
async function nodeClient(model: string): Promise<{ status?: number; body?: string; error?: string }> {
  const script = `
    const http = require("node:http");
    const req = http.request(process.argv[1], { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => console.log(JSON.stringify({ status: res.statusCode, body })));
    });
    req.on("error", (e) => console.log(JSON.stringify({ error: e.code || e.message })));
    req.end(process.argv[2]);`;
  const body = JSON.stringify({ model, max_tokens: 5, messages: [{ role: "user", content: "hi" }] });
  const proc = Bun.spawn(["node", "-e", script, `${r.ccmux.url}/v1/messages`, body], { stdout: "pipe" });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  return JSON.parse(out);
}

function headerBlockBytes(raw: { headers: Record<string, string> }): number {
  return Object.entries(raw.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
}

describe("upstream response headers past 64 KB", () => {
  test("a 200 with a 300 KB header fails over to the next mapping", async () => {
    r.primary.reply(json(MESSAGE, { headers: { "x-upstream-trace": "t".repeat(300 * KB) } }));
    r.backup.reply(json(MESSAGE));
    const res = await r.post({ model: "pass" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ccmux-provider")).toBe("backup");
    expect(r.ccmux.deps.health.snapshot("primary").last_error).toBe("primary: upstream response headers exceed 64 KB");
  });

  test("alone, a 400 carrying a 300 KB request-id is a 502 naming the provider, parsed by Node's http client", async () => {
    r.primary.reply(status(400, ERROR_400, { "request-id": "r".repeat(300 * KB) }));
    const got = await nodeClient("solo");
    expect(got.error).toBeUndefined();
    expect(got.status).toBe(502);
    expect(JSON.parse(got.body!)).toMatchObject({
      type: "error",
      error: { type: "api_error", message: expect.stringContaining("primary: upstream response headers exceed 64 KB") },
    });
  });

  test("translated (OpenAI-compatible): a 300 KB header fails over too", async () => {
    r.primary.reply(json(CHAT_COMPLETION, { headers: { "x-upstream-trace": "t".repeat(300 * KB) } }));
    r.backup.reply(json(MESSAGE));
    const res = await r.post({ model: "oai-fo" });
    expect(res.headers.get("x-ccmux-provider")).toBe("backup");
  });
});

describe("relayed headers past 8 KB on an upstream error", () => {
  // Under the 64 KB bound, but an error's relayed headers (request-id, rate-limit state) would
  // still pass the 16 KB Node accepts.
  test("a 400 with a 20 KB request-id is a parseable 502, not the 400 with the header", async () => {
    r.primary.reply(status(400, ERROR_400, { "request-id": "r".repeat(20 * KB) }));
    const got = await nodeClient("solo");
    expect(got.error).toBeUndefined();
    expect(got.status).toBe(502);
    expect(got.body).toContain("primary: upstream response headers exceed 8 KB");
  });

  test("a 429 with 20 KB of rate-limit headers: a 502 whose headers stay small, not the 429 with them", async () => {
    r.primary.reply(status(429, ERROR_400, { "anthropic-ratelimit-requests-remaining": "0".repeat(20 * KB) }));
    const port = Number(new URL(r.ccmux.url).port);
    const body = JSON.stringify({ model: "solo", max_tokens: 5, messages: [{ role: "user", content: "hi" }] });
    const raw = await rawRequest(
      port,
      `POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
    expect(raw.status).toBe(502);
    expect(headerBlockBytes(raw)).toBeLessThan(16 * KB);
    expect(raw.body).toContain("primary: upstream response headers exceed 8 KB");
  });

  test("relayed headers under 8 KB still reach the client with the upstream's error", async () => {
    r.primary.reply(status(400, ERROR_400, { "request-id": "req_small" }));
    const res = await r.post({ model: "solo" });
    expect(res.status).toBe(400);
    expect(res.headers.get("request-id")).toBe("req_small");
  });
});
