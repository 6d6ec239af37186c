import { defineCommand } from "citty";
import { runStatusline } from "./statusline.ts";

export const statuslineCommand = defineCommand({
  meta: {
    name: "statusline",
    description:
      "One line for Claude Code's statusLine setting: who answered this session's last request, today's tokens and estimated cost (nothing when ccmux is not running)",
  },
  run: () => runStatusline(),
});
