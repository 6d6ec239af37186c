import { describe, expect, test } from "bun:test";
import { headerSafe, pathSegment } from "../../src/util/wire-text.ts";

describe("headerSafe", () => {
  test("visible ASCII passes unchanged; anything else is percent-encoded UTF-8 that decodes back", () => {
    expect(headerSafe("anthropic/claude-sonnet-4.5:beta")).toBe("anthropic/claude-sonnet-4.5:beta");
    for (const text of ["模型", "a\r\nx-evil: 1", "50% off", "tab\there", "\u0085", "é"]) {
      const safe = headerSafe(text);
      expect(safe).toMatch(/^[\x20-\x7e]*$/);
      expect(() => new Headers({ "x-test": safe })).not.toThrow();
      expect(decodeURIComponent(safe)).toBe(text);
    }
  });
});

describe("pathSegment", () => {
  test("no character of the text can end the segment, start a query or fragment, or name a method", () => {
    const segment = pathSegment("../x?y#z:countTokens%2F");
    expect(segment).not.toMatch(/[/?#:]/);
    expect(decodeURIComponent(segment)).toBe("../x?y#z:countTokens%2F");
    expect(new URL(`http://h/models/${segment}:generateContent`).pathname).toBe(`/models/${segment}:generateContent`);
  });

  test("a versioned Vertex Claude model keeps its @, and a lone surrogate cannot throw", () => {
    expect(pathSegment("claude-sonnet-4@20250514")).toBe("claude-sonnet-4@20250514");
    expect(pathSegment("a\ud800")).toBe("a%EF%BF%BD");
  });
});
