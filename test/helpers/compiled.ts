// The compiled binary, as users run it: built once per test file that drives it.
import { REPO_ROOT } from "./spawn.ts";

/** Relative to the repo root, as spawnCcmux and startCcmuxServer take it. */
export const COMPILED_BIN = "dist/ccmux";

/** `bun run build`; throws with the build's stderr when it fails. */
export function buildCompiledBinary(): void {
  const build = Bun.spawnSync([process.execPath, "run", "build"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
}
