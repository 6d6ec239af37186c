import { expect, test } from "bun:test";
import { stripForeignThinking } from "../../src/translate/anthropic/strip-foreign-thinking.ts";
import type { MessagesRequest } from "../../src/contracts/anthropic.ts";

test("thinking signed by ccmux for another upstream is dropped before forwarding to Anthropic", () => {
  const req: MessagesRequest = {
    model: "m",
    messages: [
      { role: "user", content: "hi" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "from gemini", signature: "ccmux-gemini-v1:abc" },
          { type: "thinking", thinking: "real", signature: "EqQBsig" },
          { type: "tool_use", id: "toolu_1", name: "Read", input: {} },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] },
    ],
  };
  const out = stripForeignThinking(req);
  expect((out.messages[1]!.content as { type: string }[]).map((b) => b.type)).toEqual(["thinking", "tool_use"]);
  expect((out.messages[1]!.content as { signature?: string }[])[0]!.signature).toBe("EqQBsig");
  expect((req.messages[1]!.content as unknown[]).length).toBe(3);
});

test("a request with only Anthropic-signed thinking is returned as is", () => {
  const req: MessagesRequest = {
    model: "m",
    messages: [{ role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "sig" }] }],
  };
  expect(stripForeignThinking(req)).toBe(req);
});
