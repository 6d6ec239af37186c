import { describe, expect, test } from "bun:test";
import { spliceModel } from "../../src/translate/anthropic/splice-model.ts";
import { readFixture } from "../helpers/sse.ts";

const swap = (raw: string, model: string) => {
  const out = spliceModel(raw, model);
  if (out !== undefined) expect(JSON.parse(out)).toEqual({ ...JSON.parse(raw), model });
  return out;
};

describe("spliceModel", () => {
  test("replaces the top-level model of a Claude Code body and keeps every other byte", () => {
    const raw = readFixture("anthropic/request-claude-code.json");
    const out = swap(raw, "glm-4.6")!;
    expect(out).toBeDefined();
    const at = raw.indexOf('"model"');
    expect(out.slice(0, at)).toBe(raw.slice(0, at));
    expect(out.length - raw.length).toBe(
      JSON.stringify("glm-4.6").length - JSON.stringify(JSON.parse(raw).model).length,
    );
  });

  test("the model already named: the same text back", () => {
    const raw = `{"model":"claude-sonnet-4-6","messages":[{"role":"user","content":"${"x".repeat(1000)}"}]}`;
    const out = spliceModel(raw, "claude-sonnet-4-6");
    expect(out).toBe(raw);
    expect(spliceModel(raw, "claude-opus-4-1")).toBe(raw.replace("claude-sonnet-4-6", "claude-opus-4-1"));
  });

  test("whitespace and escapes around the value", () => {
    expect(swap('{ "model" :  "a\\"b" , "x": 1}', "new")).toBe('{ "model" :  "new" , "x": 1}');
    expect(swap('{"max_tokens":5,"model":"m"}', 'we"ird')).toBe('{"max_tokens":5,"model":"we\\"ird"}');
  });

  test("a nested model key before the top-level one is not touched: the caller serialises instead", () => {
    const raw = '{"metadata":{"model":"inner"},"model":"outer","messages":[]}';
    expect(spliceModel(raw, "x")).toBeUndefined();
    const inTool =
      '{"messages":[{"role":"assistant","content":[{"type":"tool_use","input":{"model":"m"}}]}],"model":"top"}';
    expect(spliceModel(inTool, "x")).toBeUndefined();
  });

  test("the word model inside a string is not a key", () => {
    expect(swap('{"system":"the \\"model\\": field","model":"a"}', "b")).toBe(
      '{"system":"the \\"model\\": field","model":"b"}',
    );
  });

  test("no usable model value: undefined", () => {
    expect(spliceModel('{"messages":[]}', "x")).toBeUndefined();
    expect(spliceModel('{"model":42}', "x")).toBeUndefined();
    expect(spliceModel('{"model":"unterminated', "x")).toBeUndefined();
  });
});
