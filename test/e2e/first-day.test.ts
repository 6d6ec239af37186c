// The README's first day as one script, in a fresh HOME with the compiled binary: serve on the embedded
// default, `config init`, the edit the template's comments describe, `config check`, `start`, `doctor`,
// then `ccmux code -p` starting the real Claude Code (the pinned CLI) through a routed provider without /login.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { answerWith, claudeOnPath, quietClaudeEnv } from "../helpers/claude-first-try.ts";
import { startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { freePort, spawnCcmux, startCcmuxServer } from "../helpers/spawn.ts";
import { buildCompiledBinary } from "../helpers/compiled.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const BIN = "dist/ccmux";
let up: FakeUpstream;
let env: Record<string, string>;

beforeAll(async () => {
  buildCompiledBinary();
  up = await startFakeUpstream();
  up.setDefault(answerWith("FIRST-DAY-ANSWER"));
  const root = join(process.env.CCMUX_TEST_ROOT!, "first-day");
  const home = join(root, "home");
  env = {
    ...quietClaudeEnv(home),
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local/share"),
    XDG_STATE_HOME: join(home, ".local/state"),
    XDG_CACHE_HOME: join(home, ".cache"),
    PATH: claudeOnPath(join(root, "bin")),
    FIRST_DAY_KEY: "fake-first-day-key",
  };
}, 120_000);

afterAll(async () => {
  await spawnCcmux(["stop"], { bin: BIN, env });
  await up?.stop();
}, 60_000);

/** The edit a new user makes after reading the template: their own provider, a model for it, the router on it. */
function editTemplate(text: string, upstream: string): string {
  const router = 'default = "default"\nauto_map_regex = "^$"\n';
  if (!text.includes(router)) throw new Error("the template no longer has the router lines this walkthrough edits");
  return `${text.replace(router, 'default = "main"\n')}
[[providers]]
name = "my-openai"
provider_type = "openai-compatible"
base_url = "${upstream}/v1"
api_key = "$FIRST_DAY_KEY"
models = []

[[models]]
name = "main"

[[models.mappings]]
priority = 1
provider = "my-openai"
actual_model = "glm-4.6"
`;
}

test("clone → serve → config init → edit → config check → doctor → code", async () => {
  const embedded = await startCcmuxServer({ bin: BIN, env, readyTimeoutMs: 30_000 });
  const health = await fetch(`${embedded.url}/health`);
  expect(health.status).toBe(200);
  await embedded.stop();

  const init = await spawnCcmux(["config", "init"], { bin: BIN, env });
  expect(init.exitCode).toBe(0);
  const configPath = join(env.XDG_CONFIG_HOME!, "ccmux", "config.toml");
  const port = await freePort();
  const edited = editTemplate(readFileSync(configPath, "utf8"), up.url).replace("port = 13456", `port = ${port}`);
  writeFileSync(configPath, edited);

  const check = await spawnCcmux(["config", "check"], { bin: BIN, env });
  expect({ exit: check.exitCode, out: check.stdout + check.stderr }).toMatchObject({ exit: 0 });

  const start = await spawnCcmux(["start"], { bin: BIN, env, timeoutMs: 60_000 });
  expect({ exit: start.exitCode, out: start.stdout + start.stderr }).toMatchObject({ exit: 0 });
  const doctor = await spawnCcmux(["doctor"], { bin: BIN, env, timeoutMs: 60_000 });
  expect({ exit: doctor.exitCode, out: doctor.stdout + doctor.stderr }).toMatchObject({ exit: 0 });
  expect(doctor.stdout).toContain("no problems");

  const code = await spawnCcmux(["code", "-p", "say hi", "--output-format", "json"], {
    bin: BIN,
    env,
    timeoutMs: 60_000,
  });
  const last = code.stdout.trim().split("\n").at(-1) ?? "";
  expect({ exit: code.exitCode, last }).toMatchObject({ exit: 0 });
  const result = JSON.parse(last) as { is_error: boolean; result: string };
  expect(result.is_error).toBe(false);
  expect(result.result).toContain("FIRST-DAY-ANSWER");
  expect(code.stdout + code.stderr).not.toContain("/login");
  const sent = up.requests.filter((r) => r.path === "/v1/chat/completions");
  expect(sent.length).toBeGreaterThan(0);
  expect(sent[0]!.headers.authorization).toBe("Bearer fake-first-day-key");
}, 180_000);
