import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clientEnv, defaultShell, parseShell, renderExports } from "../../src/lifecycle/client-env.ts";
import { clientUrl } from "../../src/lifecycle/target.ts";
import { quoteSystemdArg } from "../../src/lifecycle/systemd.ts";
import { commandFor, findExecutable } from "../../src/lifecycle/which.ts";

describe("clientUrl", () => {
  test("wildcard binds are reached on 127.0.0.1; IPv6 literals get brackets", () => {
    expect(clientUrl("0.0.0.0", 1)).toBe("http://127.0.0.1:1");
    expect(clientUrl("::", 2)).toBe("http://127.0.0.1:2");
    expect(clientUrl("::1", 3)).toBe("http://[::1]:3");
    expect(clientUrl("localhost", 4)).toBe("http://localhost:4");
  });
});

describe("client env", () => {
  test("ANTHROPIC_AUTH_TOKEN: the server key, else a placeholder unless credentials pass through", () => {
    const url = "http://127.0.0.1:1";
    expect(clientEnv({ url, passthrough: true }).ANTHROPIC_AUTH_TOKEN).toBeUndefined();
    expect(clientEnv({ url, passthrough: false }).ANTHROPIC_AUTH_TOKEN).toBe("ccmux-no-client-key-needed");
    expect(clientEnv({ url, apiKey: "k", passthrough: true }).ANTHROPIC_AUTH_TOKEN).toBe("k");
    expect(clientEnv({ url: "http://[::1]:1", passthrough: true }, { no_proxy: "a" }).NO_PROXY).toBe(
      "a,127.0.0.1,localhost,::1",
    );
  });

  test("fish escapes backslashes and quotes", () => {
    expect(renderExports({ A: "x\\'y" }, "fish")).toBe("set -gx A 'x\\\\\\'y'\n");
  });

  test("shell names", () => {
    expect(parseShell("pwsh")).toBe("powershell");
    expect(parseShell("csh")).toBeUndefined();
    expect(defaultShell({ SHELL: "/bin/zsh" }, "linux")).toBe("zsh");
    expect(defaultShell({}, "win32")).toBe("powershell");
    expect(defaultShell({ SHELL: "/bin/dash" }, "linux")).toBe("bash");
  });
});

describe("quoteSystemdArg", () => {
  test("plain paths stay bare; spaces, quotes, % and $ are escaped as systemd wants", () => {
    expect(quoteSystemdArg("/usr/bin/ccmux")).toBe("/usr/bin/ccmux");
    expect(quoteSystemdArg("/home/a b/c.toml")).toBe('"/home/a b/c.toml"');
    expect(quoteSystemdArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteSystemdArg("50%")).toBe("50%%");
    expect(quoteSystemdArg("$HOME")).toBe('"$$HOME"');
  });
});

describe("finding claude", () => {
  test("searches PATH, with PATHEXT on Windows; .cmd runs through cmd.exe", async () => {
    const dir = join(process.env.CCMUX_TEST_ROOT!, "which");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "claude"), "#!/bin/sh\n");
    chmodSync(join(dir, "claude"), 0o755);
    expect(await findExecutable("claude", { PATH: `/nonexistent:${dir}` }, "linux")).toBe(join(dir, "claude"));
    expect(await findExecutable("claude", { PATH: "/nonexistent" }, "linux")).toBeUndefined();
    expect(commandFor("C:\\npm\\claude.cmd", "win32")).toEqual(["cmd.exe", "/d", "/c", "C:\\npm\\claude.cmd"]);
    expect(commandFor("/usr/bin/claude", "linux")).toEqual(["/usr/bin/claude"]);
  });
});
