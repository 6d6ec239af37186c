import { expect, test } from "bun:test";
import type { AccountStatus } from "../../src/pool/account-status.ts";
import { providerTable, remaining } from "../../src/cli/status-table.ts";

const NOW = Date.parse("2026-12-06T03:00:00Z");
const later = (s: number) => new Date(NOW + s * 1000).toISOString();

test("cooldown remaining reads as seconds, minutes or hours; nothing pending is -", () => {
  expect(remaining(later(42), NOW)).toBe("42s");
  expect(remaining(later(185), NOW)).toBe("3m 05s");
  expect(remaining(later(3720), NOW)).toBe("1h 02m");
  expect(remaining(later(-5), NOW)).toBe("-");
  expect(remaining(null, NOW)).toBe("-");
});

test("pool accounts get a row under their provider; a disabled provider says so; long errors are cut to one line", () => {
  const account = {
    name: "work",
    state: "limited",
    until: later(90),
    reason: "5h window spent",
    input_tokens_today: 2500,
    output_tokens_today: 10,
  } as AccountStatus;
  const lines = providerTable(
    [
      { name: "max", state: "healthy", cooldown_until: null, last_error: `a\n${"x".repeat(100)}`, accounts: [account] },
      { name: "off", enabled: false, state: "healthy" },
    ],
    new Map(),
    NOW,
  );
  expect(lines[1]).toMatch(/^max\s+healthy\s+-\s+a x{57}…\s+-$/);
  expect(lines[2]).toMatch(/^ {2}max#work\s+limited\s+1m 30s\s+5h window spent\s+2\.5k \/ 10 \/ -$/);
  expect(lines[3]).toMatch(/^off\s+disabled\s+-\s+-\s+-$/);
});
