import { describe, expect, test } from "bun:test";
import { ConfigFileError, parseConfig } from "../../src/config/load.ts";

const BASE = `[router]\ndefault = "m"\n\n[[models]]\nname = "m"\n`;

describe("[server.timeouts] and [server.health]", () => {
  test("are read, and ping_interval_ms = 0 turns pings off", () => {
    const text = `[server.timeouts]\nping_interval_ms = 0\nidle_timeout_ms = 5000\n\n[server.health]\nfailure_threshold = 5\ncooldown_ms = 1000\nmax_cooldown_ms = 30000\n\n${BASE}`;
    const { config, warnings } = parseConfig(text, { path: "c.toml", env: {} });
    expect(warnings.filter((w) => !w.includes("no [[models.mappings]]"))).toEqual([]);
    expect(config.server.timeouts).toMatchObject({
      ping_interval_ms: 0,
      idle_timeout_ms: 5000,
      connect_timeout_ms: 10_000,
    });
    expect(config.server.health).toEqual({ failure_threshold: 5, cooldown_ms: 1000, max_cooldown_ms: 30_000 });
  });

  test("a bad value names its key, line and column", () => {
    const text = `[server.health]\nfailure_threshold = 0\n\n${BASE}`;
    let err: unknown;
    try {
      parseConfig(text, { path: "c.toml", env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigFileError);
    expect((err as Error).message).toContain("c.toml:2:1: server.health.failure_threshold: expected at least 1, got 0");
  });
});
