import { beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { rootCommand } from "../../src/cli/root.ts";
import { spawnCcmux } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let script: string;

beforeAll(async () => {
  const out = await spawnCcmux(["completion", "bash"]);
  expect(out.exitCode).toBe(0);
  script = join(process.env.CCMUX_TEST_ROOT!, "ccmux.bash");
  writeFileSync(script, out.stdout);
});

/** What bash's programmable completion offers for `line` (the cursor at its end). */
async function complete(line: string): Promise<string[]> {
  const words = line.split(" ");
  const setup = `source ${JSON.stringify(script)}\nCOMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(" ")})\nCOMP_CWORD=${words.length - 1}\n_ccmux\nprintf '%s\\n' "\${COMPREPLY[@]}"\n`;
  const proc = Bun.spawn(["bash", "--norc", "--noprofile", "-c", setup], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  expect(await proc.exited).toBe(0);
  expect(err).toBe("");
  return out.split("\n").filter(Boolean).sort();
}

describe("ccmux completion", () => {
  test("bash completes a partial command, subcommand, option and value", async () => {
    expect(await complete("ccmux se")).toEqual(["serve", "service"]);
    expect(await complete("ccmux service in")).toEqual(["install"]);
    expect(await complete("ccmux -c my.toml serve --p")).toEqual(["--port"]);
    expect(await complete("ccmux doctor --")).toEqual(["--config", "--help", "--json"]);
    expect(await complete("ccmux completion f")).toEqual(["fish"]);
  });

  test("the scripts come from the command tree: every command is in each shell's script", async () => {
    const names = Object.keys(rootCommand.subCommands as object);
    for (const shell of ["bash", "zsh", "fish"]) {
      const out = await spawnCcmux(["completion", shell]);
      expect(out.exitCode).toBe(0);
      for (const name of names) expect(out.stdout).toContain(`" ${name}"`.replace(/"/g, shell === "fish" ? "'" : '"'));
    }
  });

  test("an unknown shell is a usage error (exit 2)", async () => {
    const out = await spawnCcmux(["completion", "tcsh"]);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain('unknown shell "tcsh"; choose one of bash, zsh, fish');
  });
});
