import { describe, expect, test } from "bun:test";
import { retryAfterFromMessage, retryAfterSeconds } from "../../src/translate/shared/retry-after.ts";

const headers = (init: Record<string, string>) => new Headers(init);

describe("the one retry-after parser", () => {
  test("seconds, rounded up; negative is now", () => {
    expect(retryAfterSeconds(headers({ "retry-after": "30" }))).toBe(30);
    expect(retryAfterSeconds(headers({ "retry-after": "1.2" }))).toBe(2);
    expect(retryAfterSeconds(headers({ "retry-after": "-5" }))).toBe(0);
  });

  test("an HTTP date counts from now", () => {
    const now = Date.parse("2026-12-05T12:00:00Z");
    const date = "Sat, 05 Dec 2026 12:01:30 GMT";
    expect(retryAfterSeconds(headers({ "retry-after": date }), () => now)).toBe(90);
    expect(retryAfterSeconds(headers({ "retry-after": date }), () => now + 3_600_000)).toBe(0);
  });

  test("retry-after-ms when retry-after is absent or unreadable", () => {
    expect(retryAfterSeconds(headers({ "retry-after-ms": "1500" }))).toBe(2);
    expect(retryAfterSeconds(headers({ "retry-after": "soon", "retry-after-ms": "250" }))).toBe(1);
    expect(retryAfterSeconds(headers({ "retry-after": "30", "retry-after-ms": "250" }))).toBe(30);
  });

  test("nothing usable is undefined", () => {
    expect(retryAfterSeconds(headers({}))).toBeUndefined();
    expect(retryAfterSeconds(headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterSeconds(headers({ "retry-after-ms": "-1" }))).toBeUndefined();
  });

  test("the wording OpenAI puts in rate-limit messages", () => {
    expect(retryAfterFromMessage("Rate limit reached. Please try again in 11.054s.")).toBe(12);
    expect(retryAfterFromMessage("Please try again in 250ms")).toBe(1);
    expect(retryAfterFromMessage("slow down")).toBeUndefined();
  });
});
