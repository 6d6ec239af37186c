import { describe, expect, test } from "bun:test";
import { parseConfig } from "../../src/config/load.ts";
import { createLogger, levelNumber } from "../../src/util/log.ts";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO |WARN |ERROR|DEBUG|TRACE) /;

function capture(level = "trace", timestamps?: boolean) {
  const chunks: string[] = [];
  const log = createLogger({ level, plain: true, timestamps, stream: { write: (s: string) => chunks.push(s) } });
  return { log, lines: () => chunks.join("").split("\n").filter(Boolean) };
}

describe("log lines", () => {
  test("every line starts with an ISO timestamp and its level, on every level and type", () => {
    const { log, lines } = capture();
    log.info("one");
    log.warn("two");
    log.error(new Error("three"));
    log.debug("four");
    log.trace("five");
    log.box("six");
    log.withTag("auth").info("seven");
    const out = lines();
    expect(out).toHaveLength(7);
    for (const line of out) expect(line).toMatch(ISO);
    expect(out.map((l) => l.slice(25))).toEqual([
      "INFO  one",
      "WARN  two",
      "ERROR three",
      "DEBUG four",
      "TRACE five",
      "INFO  six",
      "INFO  [auth] seven",
    ]);
    const stamp = Date.parse(out[0]!.slice(0, 24));
    expect(Math.abs(Date.now() - stamp)).toBeLessThan(60_000);
  });

  test("the lines after the first of a message are indented, so column 0 is always a timestamp", () => {
    const { log, lines } = capture();
    log.info("first\nsecond\n\nthird");
    expect(lines()[0]).toMatch(ISO);
    expect(lines().slice(1)).toEqual(["  second", "  third"]);
  });

  test("identical lines in a burst are all written (consola's folding is off)", () => {
    const { log, lines } = capture();
    for (let i = 0; i < 12; i++) log.info("same line");
    expect(lines()).toHaveLength(12);
  });

  test("a logger for a person (CLI commands) can leave the timestamp out", () => {
    const { log, lines } = capture("info", false);
    log.info("hello");
    expect(lines()).toEqual(["INFO  hello"]);
  });
});

describe("log levels", () => {
  test("an unknown level is an error, not info", () => {
    expect(() => levelNumber("verbose")).toThrow(/unknown log level "verbose" \(one of silent, error, warn, info/);
    expect(() => createLogger({ level: "loud" })).toThrow(/unknown log level "loud"/);
    expect(levelNumber("DEBUG")).toBe(4);
  });

  test("an unknown server.log_level in the config file is a config error with line and column", () => {
    const text = '[server]\nlog_level = "verbose"\n[router]\ndefault = "m"\n[[models]]\nname = "m"\n';
    expect(() => parseConfig(text, { path: "/x/config.toml", env: {} })).toThrow(
      /config\.toml:2:1: server\.log_level: unknown log level "verbose"/,
    );
  });
});
