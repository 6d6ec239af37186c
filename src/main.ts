import { runtime } from "./runtime/index.ts";
import { plainOutput } from "./util/cli.ts";

// citty decides on colours once, when it loads, and only honours NO_COLOR=1: say it before loading it.
if (plainOutput()) runtime.setEnv("NO_COLOR", "1");
const { runCli } = await import("./cli/run.ts");
const { rootCommand } = await import("./cli/root.ts");
await runCli(rootCommand, process.argv.slice(2));
