// Every ccmux command but the status line's fast path (see main.ts): a separate entry point of the
// binary (src/entry-points.ts).
import { runtime } from "./runtime/index.ts";
import { plainOutput } from "./util/cli.ts";

export async function runMain(argv: string[]): Promise<void> {
  // citty decides on colours once, when it loads, and only honours NO_COLOR=1: say it before loading it.
  if (plainOutput()) runtime.setEnv("NO_COLOR", "1");
  const { runCli } = await import("./cli/run.ts");
  const { rootCommand } = await import("./cli/root.ts");
  await runCli(rootCommand, argv);
}
