// stop_sequences through every translating dialect, as the official Anthropic SDK sees them: the
// answer ends before the stop string (split across chunks on purpose), with stop_reason
// "stop_sequence" and the string that matched, streamed and whole.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { replyInDialect } from "../helpers/dialect-replies.ts";
import { startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, startInProcess, testConfig, translatedProviders, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;
let ccmux: InProcessServer;
let client: Anthropic;

beforeAll(async () => {
  up = await startFakeUpstream();
  const config = testConfig({
    providers: [...translatedProviders(up.url)],
    models: [
      model("chat", ["chat", "glm-4.6"]),
      model("gem", ["gem", "gemini-2.5-pro"]),
      model("resp", ["resp", "gpt-5.1"]),
    ],
    router: { default: "chat", long_context_threshold: 1_000_000, auto_map_regex: "^$" },
  });
  ccmux = await startInProcess(config);
  client = new Anthropic({ baseURL: ccmux.url, apiKey: "k", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await up.stop();
});

afterEach(() => up.clear());

const ask = (m: string, stop_sequences: string[]) => ({
  model: m,
  max_tokens: 200,
  stop_sequences,
  messages: [{ role: "user" as const, content: "count" }],
});

for (const m of ["chat", "gem", "resp"]) {
  describe(`stop_sequences on ${m}`, () => {
    const pieces = ["one two ##E", "ND## three", " four"];

    test("streamed: cut before the string, even split across chunks; stop_reason stop_sequence", async () => {
      up.setDefault((req) => replyInDialect(req, { text: pieces }));
      const stream = client.messages.stream(ask(m, ["never", "##END##"]));
      const texts: string[] = [];
      stream.on("text", (t) => texts.push(t));
      const msg = await stream.finalMessage();
      expect(texts.join("")).toBe("one two ");
      expect(msg.content.map((b) => (b.type === "text" ? b.text : b.type))).toEqual(["one two "]);
      expect(msg.stop_reason).toBe("stop_sequence");
      expect(msg.stop_sequence).toBe("##END##");
      expect(msg.usage.output_tokens).toBeGreaterThan(0);
      const sent = up.requests[0]!.json();
      expect(JSON.stringify(sent)).not.toContain("##END##");
    });

    test("whole answer: cut the same way", async () => {
      up.setDefault((req) => replyInDialect(req, { text: pieces }));
      const msg = await client.messages.create(ask(m, ["##END##"]));
      expect(msg.content.map((b) => (b.type === "text" ? b.text : b.type))).toEqual(["one two "]);
      expect(msg).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "##END##" });
    });

    test("a held-back prefix that never completes is sent in full at the end", async () => {
      up.setDefault((req) => replyInDialect(req, { text: ["ends with ##EN", "D"] }));
      const msg = await client.messages.stream(ask(m, ["##END##"])).finalMessage();
      expect(msg.content.map((b) => (b.type === "text" ? b.text : b.type))).toEqual(["ends with ##END"]);
      expect(msg).toMatchObject({ stop_reason: "end_turn", stop_sequence: null });
    });
  });
}
