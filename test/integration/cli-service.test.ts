import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_TEMPLATE } from "../../src/config/template.ts";
import { REPO_ROOT, spawnCcmux } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

/** A temp HOME per test; systemctl/launchctl are never called (CCMUX_SERVICE_MANAGER=none). */
function sandbox(name: string) {
  const root = join(process.env.CCMUX_TEST_ROOT!, `svc-${name}`);
  const home = join(root, "home");
  const xdg = join(root, "xdg");
  mkdirSync(home, { recursive: true });
  const ccmuxHome = join(root, "ccmux");
  mkdirSync(ccmuxHome, { recursive: true });
  writeFileSync(join(ccmuxHome, "config.toml"), CONFIG_TEMPLATE);
  const env = { HOME: home, XDG_CONFIG_HOME: xdg, CCMUX_HOME: ccmuxHome, CCMUX_SERVICE_MANAGER: "none" };
  const run = (...args: string[]) => spawnCcmux(args, { env });
  return {
    home,
    xdg,
    ccmuxHome,
    env,
    run,
    unit: join(xdg, "systemd", "user", "ccmux.service"),
    config: join(ccmuxHome, "config.toml"),
  };
}

describe("ccmux service (systemd)", () => {
  test("install writes the user unit under $XDG_CONFIG_HOME, running this ccmux from source with the absolute config path", async () => {
    const s = sandbox("install");
    const out = await s.run("service", "install", "--kind", "systemd");
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(`wrote ${s.unit}`);
    expect(out.stdout).toContain("not run (service manager calls are off): systemctl --user daemon-reload");
    const unit = readFileSync(s.unit, "utf8");
    expect(statSync(s.unit).mode & 0o777).toBe(0o644);
    expect(unit).toContain(
      `ExecStart=${process.execPath} ${join(REPO_ROOT, "src/main.ts")} serve --config ${s.config}\n`,
    );
    expect(unit).toContain(`EnvironmentFile=-${join(s.ccmuxHome, "service.env")}`);
    expect(unit).toContain("WantedBy=default.target");

    const status = await s.run("service", "status", "--kind", "systemd", "--json");
    expect(JSON.parse(status.stdout)).toMatchObject({
      kind: "systemd",
      unit: s.unit,
      installed: true,
      manager_state: null,
      answering: false,
    });
    expect(status.exitCode).toBe(3); // installed, but nothing answers

    const start = await s.run("start");
    expect(start.stdout).toContain("systemctl --user start ccmux.service");
    expect(existsSync(join(s.ccmuxHome, "ccmux.pid"))).toBe(false);

    const un = await s.run("service", "uninstall", "--kind", "systemd");
    expect(un.exitCode).toBe(0);
    expect(un.stdout).toContain(`removed ${s.unit}`);
    expect(existsSync(s.unit)).toBe(false);
    expect((await s.run("service", "status", "--kind", "systemd")).exitCode).toBe(3);
    const again = await s.run("service", "uninstall", "--kind", "systemd");
    expect(again.stdout).toContain("not installed");
  });

  test("without XDG_CONFIG_HOME the unit goes to ~/.config/systemd/user", async () => {
    const s = sandbox("home");
    const out = await spawnCcmux(["service", "install", "--kind", "systemd"], {
      env: { ...s.env, XDG_CONFIG_HOME: "" },
    });
    expect(out.exitCode).toBe(0);
    expect(existsSync(join(s.home, ".config", "systemd", "user", "ccmux.service"))).toBe(true);
  });

  test("--dry-run prints the unit and the commands, and writes nothing", async () => {
    const s = sandbox("dry");
    const out = await spawnCcmux(["service", "install", "--kind", "systemd", "--dry-run"], {
      env: { ...s.env, CCMUX_SERVICE_MANAGER: "" },
    });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(`# ${s.unit} (dry run: nothing written or loaded)`);
    expect(out.stdout).toContain("ExecStart=");
    expect(out.stdout).toContain("# would run: systemctl --user enable ccmux.service");
    expect(existsSync(s.unit)).toBe(false);
  });

  test("refuses to install for a config that serve would reject", async () => {
    const s = sandbox("invalid");
    writeFileSync(s.config, "[router]\ndefault = 1\n");
    const out = await s.run("service", "install", "--kind", "systemd");
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain("router.default");
    expect(existsSync(s.unit)).toBe(false);
  });
});

describe("ccmux service: the environment file", () => {
  const config = `[router]\ndefault = "m"\n[[providers]]\nname = "a"\nprovider_type = "openrouter"\napi_key = "$SVC_KEY_A"\nmodels = []\n[[providers]]\nname = "b"\nprovider_type = "openrouter"\napi_key = "\${SVC_KEY_B}"\nmodels = []\n[[providers]]\nname = "off"\nprovider_type = "openrouter"\napi_key = "$SVC_KEY_OFF"\nenabled = false\nmodels = []\n[[models]]\nname = "m"\n[[models.mappings]]\npriority = 1\nprovider = "a"\nactual_model = "x"\n`;

  test("install lists the $VARs, creates the file 0600 with them commented out, and warns about each one unset", async () => {
    const s = sandbox("envfile");
    writeFileSync(s.config, config);
    const envFile = join(s.ccmuxHome, "service.env");
    const out = await spawnCcmux(["service", "install", "--kind", "systemd"], {
      env: { ...s.env, SVC_KEY_A: "fake-a" },
    });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain("config.toml references: $SVC_KEY_A, $SVC_KEY_B, $SVC_KEY_OFF (disabled provider)");
    expect(out.stdout).toContain(`created ${envFile} (mode 0600)`);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const text = readFileSync(envFile, "utf8");
    expect(text).toContain("\n# SVC_KEY_A=\n# SVC_KEY_B=\n# SVC_KEY_OFF=\n");
    expect(text).not.toContain("fake-a");
    expect(out.stderr).toContain(
      `warning: SVC_KEY_A is not set in ${envFile} (this shell has it, the service does not read your shell)`,
    );
    expect(out.stderr).toContain(`warning: SVC_KEY_B is not set in ${envFile}: add SVC_KEY_B=… there`);
    expect(out.stderr).not.toContain("SVC_KEY_OFF is not set");

    writeFileSync(envFile, "SVC_KEY_A=fake-a\nSVC_KEY_B=fake-b\n", { mode: 0o600 });
    const again = await spawnCcmux(["service", "install", "--kind", "systemd"], { env: s.env });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain(`kept ${envFile} as it is`);
    expect(again.stderr).not.toContain("is not set");
    expect(readFileSync(envFile, "utf8")).toBe("SVC_KEY_A=fake-a\nSVC_KEY_B=fake-b\n");
  });

  test("--dry-run shows the file it would create and creates nothing; status exits non-zero when nothing is installed", async () => {
    const s = sandbox("envfile-dry");
    writeFileSync(s.config, config);
    const out = await s.run("service", "install", "--kind", "systemd", "--dry-run");
    expect(out.stdout).toContain(`# would create ${join(s.ccmuxHome, "service.env")} (mode 0600):`);
    expect(existsSync(join(s.ccmuxHome, "service.env"))).toBe(false);
    const status = await s.run("service", "status", "--kind", "systemd");
    expect(status.exitCode).toBe(3);
    expect(status.stdout).toContain("(not installed)");
  });
});

describe("ccmux service (launchd)", () => {
  test("install writes ~/Library/LaunchAgents/io.github.ccmux.plist, sourcing service.env, logging to the state dir", async () => {
    const s = sandbox("launchd");
    const out = await s.run("service", "install", "--kind", "launchd");
    expect(out.exitCode).toBe(0);
    const plist = readFileSync(join(s.home, "Library", "LaunchAgents", "io.github.ccmux.plist"), "utf8");
    expect(plist).toContain("<string>io.github.ccmux</string>");
    expect(plist).toContain(
      `<string>${join(s.ccmuxHome, "service.env")}</string>\n    <string>${process.execPath}</string>`,
    );
    // ccmux writes and rotates its own log; launchd's stdout/stderr only catch what the runtime prints
    const log = join(s.ccmuxHome, "logs", "ccmux.log");
    expect(plist).toContain(
      `<string>serve</string>\n    <string>--config</string>\n    <string>${s.config}</string>\n    <string>--log-file</string>\n    <string>${log}</string>`,
    );
    expect(plist).toContain(`<key>StandardOutPath</key>\n  <string>${join(s.ccmuxHome, "logs", "ccmux.out")}</string>`);
    expect(plist).toContain(
      `<key>StandardErrorPath</key>\n  <string>${join(s.ccmuxHome, "logs", "ccmux.out")}</string>`,
    );
    expect(out.stdout).toMatch(/launchctl bootstrap gui\/\d+ /);
  });
});
