import { startCcmux } from "../lifecycle/control.ts";
import { lifecycleCommand } from "./lifecycle.ts";

export const startCommand = lifecycleCommand(
  "start",
  "Start ccmux serve in the background: through the service when installed, else detached with a PID file",
  startCcmux,
  { port: true },
);
