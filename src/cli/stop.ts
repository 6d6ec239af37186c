import { stopCcmux } from "../lifecycle/control.ts";
import { lifecycleCommand } from "./lifecycle.ts";

export const stopCommand = lifecycleCommand(
  "stop",
  "Stop the background ccmux (the PID file's process must really be ccmux; a stale file is removed)",
  stopCcmux,
  { loose: true, port: true },
);
