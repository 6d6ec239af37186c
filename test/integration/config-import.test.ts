// `ccmux config import` run as the real command in a fresh HOME: claude-code-mux's config (the
// seed's "Configure Provider" example) and its tokens, and a claude-code-router config.json, both
// come out as configs `ccmux config check` accepts; nothing is overwritten without --force.
import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fixturePath } from "../helpers/sse.ts";
import { spawnCcmux } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let n = 0;
function freshHome() {
  const root = join(process.env.CCMUX_TEST_ROOT!, `config-import-${++n}`);
  const home = join(root, "home");
  mkdirSync(home, { recursive: true });
  const env = { HOME: home, XDG_CONFIG_HOME: join(root, "config"), XDG_DATA_HOME: join(root, "data") };
  return {
    home,
    env,
    config: join(root, "config", "ccmux", "config.toml"),
    tokens: join(root, "data", "ccmux", "oauth_tokens.json"),
  };
}

function withMux(home: string): string {
  const dir = join(home, ".claude-code-mux");
  mkdirSync(dir, { recursive: true });
  copyFileSync(fixturePath("import/claude-code-mux.toml"), join(dir, "config.toml"));
  copyFileSync(fixturePath("import/claude-code-mux.oauth_tokens.json"), join(dir, "oauth_tokens.json"));
  return join(dir, "config.toml");
}

describe("from claude-code-mux", () => {
  test("config check names the import; the import keeps the file and copies the tokens with their kind", async () => {
    const h = freshHome();
    const source = withMux(h.home);
    const before = await spawnCcmux(["config", "check"], { env: h.env });
    expect(before.exitCode).toBe(1);
    expect(before.stderr).toContain(`claude-code-mux config exists at ${source}`);
    expect(before.stderr).toContain(`ccmux config import --from ${source}`);

    const run = await spawnCcmux(["config", "import"], { env: h.env });
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('token "anthropic-max": copied');
    const written = readFileSync(h.config, "utf8");
    expect(written.endsWith(readFileSync(source, "utf8"))).toBe(true);
    expect(written).toContain('oauth_provider = "anthropic-max"  # Must match the provider_id used in exchange_code');
    const token = JSON.parse(readFileSync(h.tokens, "utf8"))["anthropic-max"];
    expect(token).toMatchObject({
      kind: "anthropic",
      access_token: "fake-mux-access",
      refresh_token: "fake-mux-refresh",
    });

    const check = await spawnCcmux(["config", "check"], { env: h.env });
    expect(check.stderr).toBe("");
    expect(check.stdout).toContain("ok (1 providers, 1 models)");
  });

  test("never overwrites without --force", async () => {
    const h = freshHome();
    withMux(h.home);
    expect((await spawnCcmux(["config", "import"], { env: h.env })).exitCode).toBe(0);
    const again = await spawnCcmux(["config", "import"], { env: h.env });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("already exists; not overwriting it (add --force");
    const forced = await spawnCcmux(["config", "import", "--force"], { env: h.env });
    expect(forced.exitCode).toBe(0);
  });
});

describe("from claude-code-router", () => {
  test("providers, Router slots and transformer hints convert; keys become $VAR; what has no equivalent is listed", async () => {
    const h = freshHome();
    const from = fixturePath("import/claude-code-router.json");
    const run = await spawnCcmux(["config", "import", "--from", from], { env: h.env });
    expect(run.exitCode).toBe(0);
    for (const left of ["tooluse (model deepseek-chat)", "maxtoken", "CUSTOM_ROUTER_PATH", "LOG"])
      expect(run.stdout).toContain(left);
    expect(run.stdout).toContain(
      "Export before serving: CCMUX_API_KEY, OPENROUTER_API_KEY, DEEPSEEK_KEY, GEMINI_API_KEY",
    );
    const toml = readFileSync(h.config, "utf8");
    expect(toml).not.toContain("fake-openrouter-key");
    expect(toml).not.toContain("fake-router-client-key");
    for (const line of [
      'api_key = "$OPENROUTER_API_KEY"',
      'api_key = "$DEEPSEEK_KEY"',
      'provider_type = "deepseek"',
      'provider_type = "gemini"',
      'provider_type = "ollama"',
      'default = "deepseek-chat"',
      'think = "deepseek-reasoner"',
      'long_context = "google/gemini-2.5-pro-preview"',
      'websearch = "gemini-2.5-flash"',
      "# Not carried over (no ccmux equivalent): LOG, CUSTOM_ROUTER_PATH",
    ])
      expect(toml).toContain(line);

    const keys = { CCMUX_API_KEY: "k", OPENROUTER_API_KEY: "k", DEEPSEEK_KEY: "k", GEMINI_API_KEY: "k" };
    const check = await spawnCcmux(["config", "check"], { env: { ...h.env, ...keys } });
    expect(check.stderr).toBe("");
    expect(check.stdout).toContain("ok (4 providers, 5 models)");
    const route = await spawnCcmux(["route", "-"], {
      env: { ...h.env, ...keys },
      stdin: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(route.stdout).toContain("qwen2.5-coder:latest");
  });
});
