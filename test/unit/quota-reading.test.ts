import { describe, expect, test } from "bun:test";
import { readQuota, tightest } from "../../src/pool/quota-reading.ts";
import { anthropicUnified, codexUsage, codexUsageLimitBody } from "../helpers/rate-limit-headers.ts";

const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);
const s = (minutes: number) => Math.floor(NOW / 1000) + minutes * 60;

describe("Anthropic unified rate-limit headers", () => {
  test("an allowed answer records both windows' utilization and resets, and parks nothing", () => {
    const r = readQuota(
      new Headers(anthropicUnified({ fiveHour: 0.42, sevenDay: 0.3, fiveHourReset: s(60), sevenDayReset: s(5000) })),
      200,
      undefined,
      NOW,
    )!;
    expect(r.status).toBe("allowed");
    expect(r.limited_until).toBeUndefined();
    expect(r.windows).toEqual([
      { name: "5h", status: "allowed", utilization: 0.42, resets_at: s(60) * 1000 },
      { name: "7d", status: "allowed", utilization: 0.3, resets_at: s(5000) * 1000 },
    ]);
    expect(tightest(r.windows, NOW)!.name).toBe("5h");
  });

  test("a rejected answer parks until the rejected window's reset; with both rejected the later reset wins", () => {
    const five = readQuota(
      new Headers(anthropicUnified({ fiveHour: 1.02, fiveHourReset: s(37), rejected: "5h" })),
      429,
      "",
      NOW,
    )!;
    expect(five).toMatchObject({ status: "rejected", limited_until: s(37) * 1000, cause: "5h window" });
    const both = readQuota(
      new Headers(
        anthropicUnified({ fiveHour: 1, sevenDay: 1, fiveHourReset: s(37), sevenDayReset: s(3000), rejected: "both" }),
      ),
      429,
      "",
      NOW,
    )!;
    expect(both).toMatchObject({ limited_until: s(3000) * 1000, cause: "7d window" });
  });

  test("a 429 whose status is still allowed (a short throttle) parks nothing", () => {
    const r = readQuota(new Headers(anthropicUnified({ fiveHour: 0.2, fiveHourReset: s(60) })), 429, "", NOW)!;
    expect(r.limited_until).toBeUndefined();
  });

  test("an answer without rate-limit headers says nothing", () => {
    expect(readQuota(new Headers({ "retry-after": "30" }), 429, "", NOW)).toBeUndefined();
  });
});

describe("Codex usage headers and usage_limit_reached", () => {
  test("primary and secondary windows are named by their length, percents become fractions", () => {
    const r = readQuota(new Headers(codexUsage(37.5, s(100), 12, s(6000))), 200, undefined, NOW)!;
    expect(r.windows).toEqual([
      { name: "5h", utilization: 0.375, resets_at: s(100) * 1000 },
      { name: "7d", utilization: 0.12, resets_at: s(6000) * 1000 },
    ]);
    expect(r.limited_until).toBeUndefined();
  });

  test("usage_limit_reached parks until resets_at, or now + resets_in_seconds", () => {
    const body = JSON.stringify(codexUsageLimitBody(s(90), 5400));
    expect(readQuota(new Headers(codexUsage(100, s(90))), 429, body, NOW)).toMatchObject({
      limited_until: s(90) * 1000,
      cause: "usage_limit_reached",
    });
    const inSeconds = JSON.stringify({ error: { type: "usage_limit_reached", resets_in_seconds: 120 } });
    expect(readQuota(new Headers(), 429, inSeconds, NOW)!.limited_until).toBe(NOW + 120_000);
  });

  test("older servers' reset-after-seconds is read relative to now", () => {
    const h = new Headers({
      "x-codex-primary-used-percent": "50",
      "x-codex-primary-window-minutes": "300",
      "x-codex-primary-reset-after-seconds": "60",
    });
    expect(readQuota(h, 200, undefined, NOW)!.windows[0]).toEqual({
      name: "5h",
      utilization: 0.5,
      resets_at: NOW + 60_000,
    });
  });
});
