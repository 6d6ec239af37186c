/** A compiled binary's entry lives in Bun's embedded file system ("/$bunfs/…", "B:/~BUN/…" on Windows). */
function isCompiled(main: string): boolean {
  return main.startsWith("/$bunfs/") || main.includes("~BUN");
}

/** The command that runs this ccmux under Bun: the compiled binary, or Bun and the entry script. */
export function bunSelfCommand(): string[] {
  return isCompiled(Bun.main) ? [process.execPath] : [process.execPath, Bun.main];
}
