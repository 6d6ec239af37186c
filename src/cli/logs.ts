import { defineCommand } from "citty";
import { logFilePath } from "../lifecycle/daemon.ts";
import { runtime } from "../runtime/index.ts";
import { usageError } from "../util/cli.ts";
import { followLog, lastLines } from "../util/log-read.ts";

const DEFAULT_LINES = 50;

function parseCount(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LINES;
  if (!/^\d+$/.test(raw)) usageError(`-n/--lines must be a whole number, got "${raw}"`, "ccmux logs");
  return Number(raw);
}

export const logsCommand = defineCommand({
  meta: {
    name: "logs",
    description: "Print the log of the background server (`ccmux start`): its last lines, or follow it",
  },
  args: {
    lines: {
      type: "string",
      alias: "n",
      description: `How many of the last lines to print (default ${DEFAULT_LINES})`,
    },
    follow: { type: "boolean", alias: "f", description: "Keep printing lines as they are written, across rotations" },
    file: { type: "string", description: "Read this file instead of <state>/logs/ccmux.log (as `serve --log-file`)" },
  },
  async run({ args }) {
    const count = parseCount(args.lines);
    const path = args.file || logFilePath(runtime.envAll());
    const files = { readFrom: runtime.readFrom, fileInfo: runtime.fileInfo };
    const exists = await runtime.fileInfo(path);
    if (!exists && !args.follow) {
      console.error(`no log at ${path} yet: \`ccmux start\` writes it (\`ccmux serve\` logs to the terminal)`);
      return runtime.exit(1);
    }
    const { lines, end } = await lastLines(path, count, files);
    for (const line of lines) console.log(line);
    if (!args.follow) return;
    await followLog(path, { files, from: end, onText: (text) => void process.stdout.write(text) });
  },
});
