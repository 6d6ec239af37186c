import { runStatusline } from "./cli/statusline.ts";
import { loadEntry } from "./entry-points.ts";

// Claude Code runs `ccmux statusline` on every refresh of its status bar: it loads nothing else.
if (process.argv.length === 3 && process.argv[2] === "statusline") {
  await runStatusline();
  process.exit(0);
}
const { runMain } = await loadEntry<typeof import("./main-cli.ts")>("main-cli.ts");
await runMain(process.argv.slice(2));
