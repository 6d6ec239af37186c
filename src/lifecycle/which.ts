import { delimiter, join } from "node:path";
import type { Env } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";

/** A program on PATH; on Windows with each PATHEXT extension (claude may be claude.exe or claude.cmd). */
export async function findExecutable(name: string, env: Env, platform: string): Promise<string | undefined> {
  const dirs = (env.PATH ?? env.Path ?? "").split(platform === "win32" ? ";" : delimiter).filter(Boolean);
  const exts =
    platform === "win32" ? (env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").map((e) => e.toLowerCase()) : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      if (await runtime.exists(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The argv prefix that runs `path`: Windows runs .cmd/.bat scripts through cmd.exe. */
export function commandFor(path: string, platform: string): string[] {
  return platform === "win32" && /\.(cmd|bat)$/i.test(path) ? ["cmd.exe", "/d", "/c", path] : [path];
}

/** claude, or $CCMUX_CLAUDE_BIN when set. */
export async function claudeCommand(env: Env, platform: string): Promise<string[] | undefined> {
  const path = env.CCMUX_CLAUDE_BIN || (await findExecutable("claude", env, platform));
  return path ? commandFor(path, platform) : undefined;
}
