import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_TEMPLATE } from "../../src/config/template.ts";
import { spawnCcmux } from "../helpers/spawn.ts";
import { readFixtureJson } from "../helpers/sse.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let n = 0;
function configFile(text: string): string {
  const dir = join(process.env.CCMUX_TEST_ROOT!, `cli-env-${++n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.toml"), text);
  return join(dir, "config.toml");
}

const WITH_KEY = `[server]\nhost = "0.0.0.0"\nport = 4111\napi_key = "$MY_CCMUX_KEY"\n[router]\ndefault = "m"\n[[providers]]\nname = "p"\nprovider_type = "openrouter"\napi_key = "$UNSET_PROVIDER_KEY"\n[[models]]\nname = "m"\n[[models.mappings]]\npriority = 1\nprovider = "p"\nactual_model = "x"\n`;

describe("ccmux env", () => {
  test("the default config passes Claude Code's own credentials through: no placeholder token, NO_PROXY for loopback", async () => {
    const dir = join(process.env.CCMUX_TEST_ROOT!, "env-default");
    const out = await spawnCcmux(["env", "--shell", "bash"], { env: { CCMUX_HOME: dir, NO_PROXY: "" } });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toBe(
      "export ANTHROPIC_BASE_URL='http://127.0.0.1:13456'\nexport NO_PROXY='127.0.0.1,localhost,::1'\n",
    );
  });

  test("providers holding their own keys and no server.api_key: a placeholder ANTHROPIC_AUTH_TOKEN; NO_PROXY keeps the user's entries", async () => {
    const config = configFile(WITH_KEY.replace('api_key = "$MY_CCMUX_KEY"\n', ""));
    const out = await spawnCcmux(["env", "--json", "--config", config], {
      env: { NO_PROXY: "corp.example,localhost" },
    });
    expect(JSON.parse(out.stdout)).toEqual({
      ANTHROPIC_BASE_URL: "http://127.0.0.1:4111",
      ANTHROPIC_AUTH_TOKEN: "ccmux-no-client-key-needed",
      NO_PROXY: "corp.example,localhost,127.0.0.1,::1",
    });
  });

  test("the starter template edited to route Claude Code to a keyed provider: its pass-through catch-all no longer counts", async () => {
    const edited = CONFIG_TEMPLATE.replace('default = "default"\nauto_map_regex = "^$"\n', 'default = "m"\n');
    const own = `\n[[providers]]\nname = "p"\nprovider_type = "openrouter"\napi_key = "k"\n[[models]]\nname = "m"\n[[models.mappings]]\npriority = 1\nprovider = "p"\nactual_model = "x"\n`;
    const routed = await spawnCcmux(["env", "--json", "--config", configFile(edited + own)]);
    expect(JSON.parse(routed.stdout).ANTHROPIC_AUTH_TOKEN).toBe("ccmux-no-client-key-needed");
    const background = `${edited.replace('default = "m"\n', 'default = "m"\nbackground = "*"\n')}${own}`;
    const viaSlot = await spawnCcmux(["env", "--json", "--config", configFile(background)]);
    expect(JSON.parse(viaSlot.stdout).ANTHROPIC_AUTH_TOKEN).toBeUndefined();
    const unchanged = await spawnCcmux(["env", "--json", "--config", configFile(CONFIG_TEMPLATE)]);
    expect(JSON.parse(unchanged.stdout).ANTHROPIC_AUTH_TOKEN).toBeUndefined();
  });

  test("0.0.0.0 becomes 127.0.0.1; server.api_key becomes ANTHROPIC_AUTH_TOKEN; a broken provider does not matter", async () => {
    const config = configFile(WITH_KEY);
    const env = { MY_CCMUX_KEY: "it's $ecret", NO_PROXY: "" };
    const np = "127.0.0.1,localhost,::1";
    const shells = {
      bash: `export ANTHROPIC_BASE_URL='http://127.0.0.1:4111'\nexport ANTHROPIC_AUTH_TOKEN='it'\\''s $ecret'\nexport NO_PROXY='${np}'\n`,
      zsh: `export ANTHROPIC_BASE_URL='http://127.0.0.1:4111'\nexport ANTHROPIC_AUTH_TOKEN='it'\\''s $ecret'\nexport NO_PROXY='${np}'\n`,
      fish: `set -gx ANTHROPIC_BASE_URL 'http://127.0.0.1:4111'\nset -gx ANTHROPIC_AUTH_TOKEN 'it\\'s $ecret'\nset -gx NO_PROXY '${np}'\n`,
      powershell: `$env:ANTHROPIC_BASE_URL = 'http://127.0.0.1:4111'\n$env:ANTHROPIC_AUTH_TOKEN = 'it''s $ecret'\n$env:NO_PROXY = '${np}'\n`,
    };
    for (const [shell, expected] of Object.entries(shells)) {
      const out = await spawnCcmux(["env", "--shell", shell, "--config", config], { env });
      expect(out.exitCode).toBe(0);
      expect(out.stdout).toBe(expected);
    }
    const json = await spawnCcmux(["env", "--json", "--config", config], { env });
    expect(JSON.parse(json.stdout)).toEqual({
      ANTHROPIC_BASE_URL: "http://127.0.0.1:4111",
      ANTHROPIC_AUTH_TOKEN: "it's $ecret",
      NO_PROXY: np,
    });
  });

  test('bash evaluates it: eval "$(ccmux env)"', async () => {
    const config = configFile(WITH_KEY);
    const out = await spawnCcmux(["env", "--shell", "bash", "--config", config], {
      env: { MY_CCMUX_KEY: "a'b\"c $d" },
    });
    const proc = Bun.spawnSync([
      "bash",
      "-c",
      `eval "$1"; printf '%s|%s' "$ANTHROPIC_BASE_URL" "$ANTHROPIC_AUTH_TOKEN"`,
      "_",
      out.stdout,
    ]);
    expect(proc.stdout.toString()).toBe("http://127.0.0.1:4111|a'b\"c $d");
  });

  test("the shell comes from $SHELL; an unknown --shell or an unreadable [server] exits 1", async () => {
    const config = configFile("[server]\nport = 4112\n");
    const fish = await spawnCcmux(["env", "--config", config], { env: { SHELL: "/usr/bin/fish" } });
    expect(fish.stdout).toStartWith("set -gx ANTHROPIC_BASE_URL");
    const bad = await spawnCcmux(["env", "--shell", "tcsh", "--config", config]);
    expect(bad.exitCode).toBe(1);
    const unset = await spawnCcmux(["env", "--config", configFile(WITH_KEY)]);
    expect(unset.exitCode).toBe(1);
    expect(unset.stderr).toContain("MY_CCMUX_KEY");
  });
});

const ROUTED = `[router]
default = "sonnet"
think = "opus"
websearch = "ws"
background = "haiku"
[[providers]]
name = "a"
provider_type = "anthropic"
api_key = "k"
[[providers]]
name = "b"
provider_type = "openrouter"
api_key = "k"
enabled = false
${[
  ["sonnet", "b", 2, "anthropic/claude-sonnet"],
  ["sonnet", "a", 1, "claude-sonnet-4-6"],
  ["opus", "a", 1, "claude-opus-4-7"],
  ["ws", "a", 1, "claude-ws"],
  ["haiku", "a", 1, "claude-haiku-4-5"],
]
  .map(
    ([m, p, pr, a], i, all) =>
      `${i === 0 || all[i - 1]![0] !== m ? `[[models]]\nname = "${m}"\n` : ""}[[models.mappings]]\npriority = ${pr}\nprovider = "${p}"\nactual_model = "${a}"\n`,
  )
  .join("")}`;

describe("ccmux route", () => {
  const config = configFile(ROUTED);
  const route = async (...args: string[]) => {
    const out = await spawnCcmux(["route", "--json", "--config", config, ...args]);
    expect(out.exitCode).toBe(0);
    return JSON.parse(out.stdout);
  };

  test("default: auto-mapped, the provider chain in priority order, disabled ones marked", async () => {
    const r = await route();
    expect(r).toMatchObject({
      config,
      requested_model: "claude-sonnet-4-6",
      route: "default",
      virtual_model: "sonnet",
    });
    expect(r.reason).toContain("auto-mapped");
    expect(r.estimated_tokens).toBeGreaterThan(0);
    expect(r.chain).toEqual([
      { provider: "a", model: "claude-sonnet-4-6", provider_type: "anthropic", usable: true },
      { provider: "b", model: "anthropic/claude-sonnet", provider_type: "openrouter", usable: false, note: "disabled" },
    ]);
  });

  test("--thinking, --tools web_search, a haiku model", async () => {
    expect(await route("--thinking")).toMatchObject({
      route: "think",
      virtual_model: "opus",
      chain: [{ model: "claude-opus-4-7" }],
    });
    expect(await route("--thinking", "--tools", "Bash,web_search")).toMatchObject({
      route: "websearch",
      virtual_model: "ws",
    });
    expect(await route("--model", "claude-3-5-haiku-20241022")).toMatchObject({
      route: "background",
      virtual_model: "haiku",
    });
  });

  test("a request body from a file; the text output says why", async () => {
    const body = join(process.env.CCMUX_TEST_ROOT!, "route-body.json");
    writeFileSync(
      body,
      JSON.stringify({
        model: "claude-opus-4-7",
        max_tokens: 10,
        thinking: { type: "enabled", budget_tokens: 2000 },
        messages: [{ role: "user", content: "hi" }],
      }),
    );
    const out = await spawnCcmux(["route", body, "--config", config]);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('route:    think → model "opus"');
    expect(out.stdout).toContain('because:  thinking.type is "enabled"');
    expect(out.stdout).toContain("1. a (anthropic) → claude-opus-4-7");
  });

  test("what Claude Code 2.1.112-2.1.332 send: haiku with a thinking budget is background, effort max is think", async () => {
    const recorded = readFixtureJson<{ requests: { version: string; kind: string; body: object }[] }>(
      "claude-code/routing-requests.json",
    ).requests;
    const expected: Record<string, string> = {
      ordinary: "default",
      haiku: "background",
      "effort-high": "default",
      "effort-max": "think",
    };
    for (const { version, kind, body } of recorded) {
      const file = join(process.env.CCMUX_TEST_ROOT!, `route-${version}-${kind}.json`);
      writeFileSync(file, JSON.stringify(body));
      const r = await route(file);
      expect({ version, kind, route: r.route }).toEqual({ version, kind, route: expected[kind]! });
    }
    const haiku = recorded.find((r) => r.version === "2.1.197" && r.kind === "haiku")!;
    const file = join(process.env.CCMUX_TEST_ROOT!, "route-haiku.json");
    writeFileSync(file, JSON.stringify(haiku.body));
    const legacy = configFile(ROUTED.replace("[router]\n", '[router]\norder = "claude-code-mux"\n'));
    const old = await spawnCcmux(["route", "--json", "--config", legacy, file]);
    expect(JSON.parse(old.stdout).route).toBe("think");
    const text = await spawnCcmux(["route", file, "--config", config]);
    expect(text.stdout).toContain('route:    background → model "haiku"');
    expect(text.stdout).toMatch(/· websearch +no web_search server tool/);
    expect(text.stdout).toMatch(/✓ background +model "claude-haiku-4-5-20251001" matches background_regex/);
    expect(text.stdout).not.toContain(" think ");
  });

  test("--effort: xhigh takes the think route and says so", async () => {
    const r = await route("--effort", "xhigh");
    expect(r).toMatchObject({ route: "think", reason: 'output_config.effort is "xhigh" (in think_efforts)' });
    expect(r.checks.map((c: { route: string }) => c.route)).toEqual([
      "websearch",
      "subagent",
      "long-context",
      "image",
      "background",
      "think",
    ]);
  });

  test("an unknown model exits 1 listing the configured ones; nothing was sent anywhere", async () => {
    const out = await spawnCcmux(["route", "--model", "gpt-9", "--config", config]);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('model "gpt-9" is not configured');
  });
});
