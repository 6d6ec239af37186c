import { runStatusline } from "./cli/statusline.ts";
import { loadEntry } from "./entry-points.ts";
import { reexecWithAllocatorEnv } from "./runtime/allocator.ts";
import { bunSelfCommand } from "./runtime/bun-self.ts";

// Claude Code runs `ccmux statusline` on every refresh of its status bar: it loads nothing else.
if (process.argv.length === 3 && process.argv[2] === "statusline") {
  await runStatusline();
  process.exit(0);
}
// The server runs with the allocator settings it needs for multi-MB bodies (runtime/allocator.ts):
// restarted in place with them before anything else loads, unless they are set already.
if (process.argv[2] === "serve") reexecWithAllocatorEnv(bunSelfCommand, process.argv.slice(2));
const { runMain } = await loadEntry<typeof import("./main-cli.ts")>("main-cli.ts");
await runMain(process.argv.slice(2));
