import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_TEMPLATE } from "../../src/config/template.ts";
import { spawnCcmux } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let n = 0;
function home(): string {
  const dir = join(process.env.CCMUX_TEST_ROOT!, `cli-config-${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe("every command has --help and plain output off a terminal", () => {
  const commands = [
    ["config", "path"],
    ["config", "init"],
    ["config", "check"],
    ["env"],
    ["code"],
    ["route"],
    ["status"],
    ["service", "install"],
    ["service", "uninstall"],
    ["service", "status"],
    ["start"],
    ["stop"],
    ["restart"],
    ["serve"],
  ];
  for (const cmd of commands) {
    test(`ccmux ${cmd.join(" ")} --help`, async () => {
      const out = await spawnCcmux([...cmd, "--help"], { env: { NO_COLOR: "" } });
      expect(out.exitCode).toBe(0);
      expect(out.stdout).toContain("USAGE");
      expect(out.stdout).not.toContain("\x1b[");
      if (cmd[0] !== "code" && cmd.join(" ") !== "service uninstall") expect(out.stdout).toContain("--config");
    });
  }
});

describe("ccmux config path", () => {
  test("prints the config path; --all lists config, tokens, database, state and logs", async () => {
    const dir = home();
    const one = await spawnCcmux(["config", "path"], { env: { CCMUX_HOME: dir } });
    expect(one.stdout.trim()).toBe(join(dir, "config.toml"));
    const all = await spawnCcmux(["config", "path", "--all"], { env: { CCMUX_HOME: dir } });
    expect(all.stdout).toContain(`tokens   ${join(dir, "oauth_tokens.json")}`);
    expect(all.stdout).toContain(`logs     ${join(dir, "logs")}`);
  });

  test("--json; XDG dirs when CCMUX_HOME is unset; --config is made absolute", async () => {
    const out = await spawnCcmux(["config", "path", "--all", "--json"]);
    const root = process.env.CCMUX_TEST_ROOT!;
    expect(JSON.parse(out.stdout)).toEqual({
      config: join(root, "config", "ccmux", "config.toml"),
      tokens: join(root, "data", "ccmux", "oauth_tokens.json"),
      database: join(root, "data", "ccmux", "ccmux.db"),
      state: join(root, "state", "ccmux"),
      logs: join(root, "state", "ccmux", "logs"),
    });
    const rel = await spawnCcmux(["config", "path", "--json", "--config", "x/c.toml"], { cwd: root });
    expect(JSON.parse(rel.stdout)).toEqual({ config: join(root, "x/c.toml") });
  });
});

describe("ccmux config init", () => {
  test("writes the commented starter config, 0644", async () => {
    const dir = home();
    const out = await spawnCcmux(["config", "init"], { env: { CCMUX_HOME: dir } });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(join(dir, "config.toml"));
    expect(readFileSync(join(dir, "config.toml"), "utf8")).toBe(CONFIG_TEMPLATE);
    expect(statSync(join(dir, "config.toml")).mode & 0o777).toBe(0o644);
  });

  test("after serve wrote the starter file, init finds it unchanged: exit 0, the next step shown", async () => {
    const dir = home();
    writeFileSync(join(dir, "config.toml"), CONFIG_TEMPLATE);
    const out = await spawnCcmux(["config", "init"], { env: { CCMUX_HOME: dir } });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain("already the starter config");
    expect(out.stdout).toContain("Next: edit it");
  });

  test("never overwrites an existing config: exit 1, file untouched", async () => {
    const dir = home();
    writeFileSync(join(dir, "mine.toml"), "# mine\n");
    const out = await spawnCcmux(["config", "init", "--config", join(dir, "mine.toml")]);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain("already exists");
    expect(readFileSync(join(dir, "mine.toml"), "utf8")).toBe("# mine\n");
  });
});

describe("ccmux config check", () => {
  test("the starter config is valid", async () => {
    const dir = home();
    writeFileSync(join(dir, "config.toml"), CONFIG_TEMPLATE);
    const out = await spawnCcmux(["config", "check"], { env: { CCMUX_HOME: dir } });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(": ok (1 providers, 1 models)");
  });

  test("every problem with file:line:col, exit 1; unknown keys still listed as warnings", async () => {
    const dir = home();
    const file = join(dir, "bad.toml");
    writeFileSync(file, '[server]\nport = "x"\nbogus = 1\n[router]\ndefault = 3\n');
    const out = await spawnCcmux(["config", "check", "--config", file]);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain(`error: ${file}:2:1: server.port: expected number, got string`);
    expect(out.stderr).toContain(`error: ${file}:5:1: router.default: expected string, got number`);
    expect(out.stderr).toContain(`warning: ${file}:3:1: unknown key server.bogus`);
  });

  test("provider headers that cannot be sent are errors naming the key", async () => {
    const dir = home();
    const file = join(dir, "headers.toml");
    writeFileSync(
      file,
      '[router]\ndefault = "m"\n[[providers]]\nname = "p"\nprovider_type = "openai"\nbase_url = "http://127.0.0.1:9"\napi_key = "k"\n[providers.headers]\n"X Space" = "v"\nX-Line = "a\\nb"\n[[models]]\nname = "m"\n[[models.mappings]]\npriority = 1\nprovider = "p"\nactual_model = "x"\n',
    );
    const out = await spawnCcmux(["config", "check", "--config", file]);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toMatch(/providers\[0\]\.headers\."X Space": header name "X Space" cannot be sent/);
    expect(out.stderr).toMatch(/providers\[0\]\.headers\.X-Line: header value cannot be sent/);
  });

  test("a TOML syntax error names line and column", async () => {
    const dir = home();
    writeFileSync(join(dir, "config.toml"), "[server]\nport = 1\n[router\n");
    const out = await spawnCcmux(["config", "check"], { env: { CCMUX_HOME: dir } });
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toMatch(/config\.toml:3:\d+: TOML syntax error/);
  });

  test("warnings alone exit 0", async () => {
    const dir = home();
    writeFileSync(join(dir, "config.toml"), `${CONFIG_TEMPLATE}\n[extra]\nx = 1\n`);
    const out = await spawnCcmux(["config", "check"], { env: { CCMUX_HOME: dir } });
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toMatch(/warning: .*config\.toml:\d+:1: unknown key extra/);
  });

  test("--json shape; a missing file is an error", async () => {
    const dir = home();
    writeFileSync(
      join(dir, "config.toml"),
      '[router]\ndefault = "m"\n[[models]]\nname = "m"\n[[models.mappings]]\npriority = 1\nprovider = "nope"\nactual_model = "x"\n',
    );
    const bad = await spawnCcmux(["config", "check", "--json"], { env: { CCMUX_HOME: dir } });
    expect(bad.exitCode).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report).toMatchObject({ ok: false, exists: true, path: join(dir, "config.toml"), warnings: [] });
    expect(report.errors[0]).toMatchObject({ keyPath: "models[0].mappings[0].provider", line: 7, column: 1 });
    const missing = await spawnCcmux(["config", "check", "--json", "--config", join(dir, "none.toml")]);
    expect(missing.exitCode).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, exists: false });
  });
});
