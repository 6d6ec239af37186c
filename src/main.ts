import { runMain } from "citty";
import { rootCommand } from "./cli/root.ts";

await runMain(rootCommand);
