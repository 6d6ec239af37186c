import { restartCcmux } from "../lifecycle/control.ts";
import { lifecycleCommand } from "./lifecycle.ts";

export const restartCommand = lifecycleCommand("restart", "Stop, then start, the background ccmux", restartCcmux);
