import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, spawnCcmux, startCcmuxServer } from "../helpers/spawn.ts";

// A stand-in "binary": answers /health, records its argv, exits 0 on SIGTERM.
const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "fake-bin-"));
const script = join(dir, "server.ts");
writeFileSync(
  script,
  `const args = process.argv.slice(2);
const port = Number(args[args.indexOf("--port") + 1]);
if (process.env.FAKE_FAIL) { console.error("bad config at 1:1"); process.exit(2); }
await Bun.write(${JSON.stringify(join(dir, "argv.json"))}, JSON.stringify(args));
const server = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response("ok") });
console.log("listening", port);
process.on("SIGTERM", () => { server.stop(true); process.exit(0); });
`,
);
const bin = join(dir, "fake-ccmux");
writeFileSync(bin, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} "$@"\n`);
chmodSync(bin, 0o755);

describe("spawnCcmux", () => {
  test("runs the source and captures stdout and the exit code", async () => {
    const res = await spawnCcmux(["--version"]);
    expect(res.exitCode).toBe(0);
    expect(res.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  test("passes env and stdin to a given bin", async () => {
    const echo = join(dir, "echo");
    writeFileSync(echo, '#!/bin/sh\necho "$FOO:$1"; cat; echo err >&2; exit 3\n');
    chmodSync(echo, 0o755);
    expect(await spawnCcmux(["arg"], { bin: echo, env: { FOO: "bar" }, stdin: "in" })).toEqual({
      stdout: "bar:arg\nin",
      stderr: "err\n",
      exitCode: 3,
    });
  });
});

describe("startCcmuxServer", () => {
  const started: { stop(): Promise<number | null> }[] = [];
  afterAll(async () => void (await Promise.all(started.map((s) => s.stop()))));

  test("writes the config, passes --config/--port, waits for /health, stops with SIGTERM", async () => {
    const server = await startCcmuxServer({ bin, configText: "[server]\n", args: ["--extra"] });
    started.push(server);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const argv = JSON.parse(readFileSync(join(dir, "argv.json"), "utf8"));
    expect(argv).toEqual(["serve", "--config", server.configPath, "--port", String(server.port), "--extra"]);
    expect(readFileSync(server.configPath!, "utf8")).toBe("[server]\n");
    expect(await server.stop()).toBe(0);
    expect(server.stdout()).toContain(`listening ${server.port}`);
  });

  test("a process that exits early fails fast with its stderr", async () => {
    const t0 = performance.now();
    await expect(startCcmuxServer({ bin, env: { FAKE_FAIL: "1" } })).rejects.toThrow(/bad config at 1:1/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  test("freePort returns a bindable port", async () => {
    const port = await freePort();
    const s = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response() });
    s.stop(true);
  });
});
