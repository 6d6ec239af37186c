import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { isWellFormedMessagesRequest, MessagesRequestSchema, parseMessagesRequest } from "../../src/edge/parse-body.ts";
import { readFixture } from "../helpers/sse.ts";

type Obj = Record<string, unknown>;

const FIXTURES = [
  "anthropic/request-claude-code.json",
  "anthropic/request-claude-code-haiku-title.json",
  "anthropic/request-claude-code-websearch.json",
];
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  1,
  "",
  "x",
  "user",
  [],
  [{}],
  [{ type: 1 }],
  [{ type: "text" }],
  {},
  { type: "enabled" },
  true,
  [[]],
];

/** Every fixture with one field (top level, first message, first block) set to each odd value. */
function mutations(): Obj[] {
  const out: Obj[] = [];
  for (const name of FIXTURES) {
    const base = JSON.parse(readFixture(name)) as Obj;
    const keys = ["model", "messages", "max_tokens", "system", "tools", "stream", "thinking"];
    for (const odd of ODD_VALUES) {
      for (const key of keys) out.push({ ...structuredClone(base), [key]: odd });
      for (const key of ["role", "content"]) {
        const body = structuredClone(base) as { messages: Obj[] };
        body.messages[0] = { ...body.messages[0], [key]: odd };
        out.push(body);
      }
      const withBlock = structuredClone(base) as { messages: { content: unknown }[] };
      const content = withBlock.messages[0]!.content;
      if (Array.isArray(content)) content[0] = odd;
      out.push(withBlock);
    }
  }
  return out;
}

describe("the in-place request check", () => {
  test("accepts the Claude Code fixtures, so the fast path is the common one", () => {
    for (const name of FIXTURES) expect(isWellFormedMessagesRequest(JSON.parse(readFixture(name)) as Obj)).toBe(true);
  });

  test("never accepts a body the schema rejects", () => {
    const bodies = mutations();
    expect(bodies.length).toBeGreaterThan(300);
    for (const body of bodies) {
      if (isWellFormedMessagesRequest(body)) expect(v.safeParse(MessagesRequestSchema, body).success).toBe(true);
    }
  });

  test("a rejected body still gets the schema's message", () => {
    expect(() =>
      parseMessagesRequest(JSON.stringify({ model: "m", messages: [{ role: "robot", content: "hi" }] })),
    ).toThrow(/messages\[0\]\.role/);
    expect(() => parseMessagesRequest(JSON.stringify({ model: "m", messages: [], max_tokens: 0 }))).toThrow(
      /max_tokens/,
    );
  });

  test("returns the parsed object itself", () => {
    const req = parseMessagesRequest('{"model":"m","messages":[{"role":"user","content":"hi"}],"extra":{"kept":true}}');
    expect((req as unknown as Obj).extra).toEqual({ kept: true });
  });
});
