import { describe, expect, test } from "bun:test";
import { allPaths, configPath, dataDir, stateDir } from "../../src/config/paths.ts";

const linux = { platform: "linux" } as const;

describe("configPath", () => {
  const env = {
    HOME: "/home/u",
    XDG_CONFIG_HOME: "/xdg/config",
    CCMUX_HOME: "/ccmux-home",
    CCMUX_CONFIG: "/explicit/c.toml",
  };

  test("--config wins over everything", () => {
    expect(configPath({ flag: "./mine.toml", env, ...linux })).toBe("./mine.toml");
  });

  test("then $CCMUX_CONFIG, then $CCMUX_HOME, then XDG, then ~/.config", () => {
    expect(configPath({ env, ...linux })).toBe("/explicit/c.toml");
    expect(configPath({ env: { ...env, CCMUX_CONFIG: undefined }, ...linux })).toBe("/ccmux-home/config.toml");
    expect(configPath({ env: { HOME: "/home/u", XDG_CONFIG_HOME: "/xdg/config" }, ...linux })).toBe(
      "/xdg/config/ccmux/config.toml",
    );
    expect(configPath({ env: { HOME: "/home/u" }, ...linux })).toBe("/home/u/.config/ccmux/config.toml");
  });

  test("empty or relative XDG values are ignored, as the XDG spec says", () => {
    expect(configPath({ env: { HOME: "/home/u", XDG_CONFIG_HOME: "" }, ...linux })).toBe(
      "/home/u/.config/ccmux/config.toml",
    );
    expect(configPath({ env: { HOME: "/home/u", XDG_CONFIG_HOME: "rel" }, ...linux })).toBe(
      "/home/u/.config/ccmux/config.toml",
    );
  });

  test("reads the env it is given at call time", () => {
    const live: Record<string, string | undefined> = { HOME: "/a" };
    expect(configPath({ env: live, ...linux })).toBe("/a/.config/ccmux/config.toml");
    live.CCMUX_HOME = "/b";
    expect(configPath({ env: live, ...linux })).toBe("/b/config.toml");
  });

  test("Windows uses %APPDATA%", () => {
    const env = { USERPROFILE: "C:\\Users\\u", APPDATA: "C:\\Users\\u\\AppData\\Roaming" };
    expect(configPath({ env, platform: "win32" })).toBe("C:\\Users\\u\\AppData\\Roaming\\ccmux\\config.toml");
  });

  test("no HOME at all is a clear error", () => {
    expect(() => configPath({ env: {}, ...linux })).toThrow(/HOME/);
  });
});

describe("dataDir and stateDir", () => {
  test("XDG defaults under HOME, separate from the config dir", () => {
    const env = { HOME: "/home/u" };
    expect(dataDir(env, "linux")).toBe("/home/u/.local/share/ccmux");
    expect(stateDir(env, "linux")).toBe("/home/u/.local/state/ccmux");
  });

  test("XDG_DATA_HOME and XDG_STATE_HOME are honoured", () => {
    const env = { HOME: "/home/u", XDG_DATA_HOME: "/d", XDG_STATE_HOME: "/s" };
    expect(dataDir(env, "linux")).toBe("/d/ccmux");
    expect(stateDir(env, "linux")).toBe("/s/ccmux");
  });

  test("CCMUX_HOME puts everything in one place", () => {
    const env = { HOME: "/home/u", CCMUX_HOME: "/all", XDG_DATA_HOME: "/d" };
    expect(dataDir(env, "linux")).toBe("/all");
    expect(stateDir(env, "linux")).toBe("/all");
  });

  test("Windows uses %APPDATA% for data and %LOCALAPPDATA% for state", () => {
    const env = { USERPROFILE: "C:\\Users\\u", APPDATA: "C:\\R", LOCALAPPDATA: "C:\\L" };
    expect(dataDir(env, "win32")).toBe("C:\\R\\ccmux\\data");
    expect(stateDir(env, "win32")).toBe("C:\\L\\ccmux\\state");
  });
});

describe("allPaths", () => {
  test("lists config, token store, database, state and logs", () => {
    const paths = allPaths({ env: { HOME: "/home/u" }, ...linux });
    expect(paths).toEqual({
      config: "/home/u/.config/ccmux/config.toml",
      tokens: "/home/u/.local/share/ccmux/oauth_tokens.json",
      database: "/home/u/.local/share/ccmux/ccmux.db",
      state: "/home/u/.local/state/ccmux",
      logs: "/home/u/.local/state/ccmux/logs",
    });
  });

  test("the flag only moves the config, never the token store", () => {
    const paths = allPaths({ flag: "/dots/ccmux.toml", env: { HOME: "/home/u" }, ...linux });
    expect(paths.config).toBe("/dots/ccmux.toml");
    expect(paths.tokens).toBe("/home/u/.local/share/ccmux/oauth_tokens.json");
  });
});
