// A non-streamed upstream answer is read whole, so it is capped (server.limits.max_upstream_body_mb):
// over the cap it is the upstream's fault, a retryable 502 naming the provider and the cap.
import { describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import Anthropic from "@anthropic-ai/sdk";
import { bigBody, bytes, endlessBody, json, sse, type Reply } from "../helpers/fake-upstream.ts";
import { BLOCK_EVENT, DELTA_EVENT, MESSAGE, START_EVENT, useFaultRig } from "../helpers/fault-rig.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const CAP = 1024 * 1024;
const CAP_TEXT = "primary: upstream answer is larger than max_upstream_body_mb (1 MB)";

// api_timeout_ms is long so that a body read past the cap would show as a 504 (or a hang), not pass.
const r = useFaultRig({ limits: { max_upstream_body_mb: 1 }, timeouts: { api_timeout_ms: 30_000 } });

const ask = (model: string) =>
  r.client.messages.create({ model, max_tokens: 5, messages: [{ role: "user", content: "hi" }] });

async function refused(model: string): Promise<InstanceType<typeof Anthropic.APIError>> {
  const err = await ask(model).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.InternalServerError);
  return err as InstanceType<typeof Anthropic.APIError>;
}

/** A gzip-encoded JSON answer: small on the wire (content-length), `decoded` bytes once fetch decodes it. */
function gzipped(decoded: number): Reply {
  const text = `{"id":"msg_gz","type":"message","content":[{"type":"text","text":"${"a".repeat(decoded - 64)}"}]}`;
  return bytes(gzipSync(text), "application/json", { headers: { "content-encoding": "gzip" } });
}

describe("a non-streamed answer over max_upstream_body_mb", () => {
  test("with a content-length over the cap: fails over, and counts against the provider", async () => {
    r.primary.reply(bigBody(CAP + 1));
    r.backup.reply(json(MESSAGE));
    const { data, response } = await ask("pass").withResponse();
    expect(data.id).toBe("msg_fault");
    expect(response.headers.get("x-ccmux-provider")).toBe("backup");
    const health = r.ccmux.deps.health.snapshot("primary");
    expect(health.consecutive_failures).toBe(1);
    expect(health.last_error).toContain(CAP_TEXT);
  });

  test("alone: a 502 api_error naming the provider and the cap", async () => {
    r.primary.reply(bigBody(CAP + 1));
    const err = await refused("solo");
    expect(err.status).toBe(502);
    expect(err.error).toMatchObject({ type: "error", error: { type: "api_error" } });
    expect((err.error as { error: { message: string } }).error.message).toContain(CAP_TEXT);
  });

  test("without a content-length: reading stops at the cap and the upstream is closed", async () => {
    const endless = endlessBody();
    r.primary.reply(endless);
    const err = await refused("solo");
    expect(err.status).toBe(502);
    expect(err.message).toContain(CAP_TEXT);
    await r.primary.waitForClosedConnections(5000);
    // What the socket buffers held besides the cap; an unbounded read would go on for 30 s.
    expect(endless.sent()).toBeLessThan(64 * CAP);
  });

  test("gzip-encoded: the decoded size counts, not the content-length", async () => {
    r.primary.reply(gzipped(4 * CAP));
    const err = await refused("solo");
    expect(err.status).toBe(502);
    expect(err.message).toContain(CAP_TEXT);
  });

  test("an error answer over the cap is refused the same way", async () => {
    r.primary.reply(bigBody(CAP + 1, { status: 500, chunked: true }));
    const err = await refused("solo");
    expect(err.status).toBe(502);
    expect(err.message).toContain(CAP_TEXT);
  });

  test("translated (OpenAI-compatible): fails over to the next mapping", async () => {
    r.primary.reply(bigBody(2 * CAP, { chunked: true }));
    r.backup.reply(json(MESSAGE));
    const { response } = await ask("oai-fo").withResponse();
    expect(response.headers.get("x-ccmux-provider")).toBe("backup");
    expect(r.ccmux.deps.health.snapshot("oai").last_error).toContain("oai: upstream answer is larger than");
  });
});

describe("what the cap leaves alone", () => {
  test("a chunked answer just under the cap is relayed whole", async () => {
    const size = CAP - 100;
    r.primary.reply(bigBody(size, { chunked: true }));
    const res = await r.post({ model: "solo" });
    expect(res.status).toBe(200);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body.byteLength).toBe(size);
    expect(JSON.parse(new TextDecoder().decode(body)).id).toBe("msg_big");
  });

  test("a streamed answer larger than the cap is relayed: streams are bounded by time, not size", async () => {
    const delta = DELTA_EVENT.replace('"Hel"', `"${"b".repeat(2 * CAP)}"`);
    const end =
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":1}}\n\n' +
      'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    r.primary.reply(sse([START_EVENT, BLOCK_EVENT, delta, end]));
    const res = await r.post({ model: "solo", stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(2 * CAP);
    expect(text).toContain("event: message_stop");
  });
});
