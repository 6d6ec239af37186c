import { runStatusline } from "./cli/statusline.ts";

// Claude Code runs `ccmux statusline` on every refresh of its status bar: it loads nothing else.
if (process.argv.length === 3 && process.argv[2] === "statusline") {
  await runStatusline();
  process.exit(0);
}
const { runtime } = await import("./runtime/index.ts");
const { plainOutput } = await import("./util/cli.ts");

// citty decides on colours once, when it loads, and only honours NO_COLOR=1: say it before loading it.
if (plainOutput()) runtime.setEnv("NO_COLOR", "1");
const { runCli } = await import("./cli/run.ts");
const { rootCommand } = await import("./cli/root.ts");
await runCli(rootCommand, process.argv.slice(2));
