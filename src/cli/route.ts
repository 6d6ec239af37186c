import { defineCommand } from "citty";
import { resolve } from "node:path";
import { explainRoute, probeRequest, type Explanation } from "../router/explain.ts";
import { runtime } from "../runtime/index.ts";
import { loadConfigWithoutSecrets } from "./config-without-secrets.ts";
import { configArg, die, errorMessage, jsonArg, printJson, say } from "../util/cli.ts";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

async function readBody(file: string): Promise<Record<string, unknown>> {
  const name = file === "-" ? "stdin" : file;
  const text = file === "-" ? await readStdin() : await runtime.readText(resolve(file));
  if (text === undefined) throw new Error(`${file}: no such file`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new Error(`${name}: not valid JSON (${errorMessage(err)})`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new Error(`${name}: expected a JSON object (a Messages API request body)`);
  return body as Record<string, unknown>;
}

function print(e: Explanation, source: string): void {
  say(`config:   ${source}`);
  say(`request:  model "${e.requested_model}", ~${e.estimated_tokens} input tokens`);
  say(`route:    ${e.route} → model "${e.virtual_model}"`);
  say(`because:  ${e.reason}`);
  say("rules, in order:");
  for (const check of e.checks) say(`  ${check.matched ? "✓" : "·"} ${check.route.padEnd(12)} ${check.why}`);
  say("providers, in failover order:");
  e.chain.forEach((c, i) => {
    const kind = c.provider_type ? ` (${c.provider_type})` : "";
    const note = c.note ? `  [${c.note}: skipped]` : "";
    say(`  ${i + 1}. ${c.provider}${kind} → ${c.model}${note}`);
  });
}

export const routeCommand = defineCommand({
  meta: {
    name: "route",
    description: "Show how a request would be routed (route, model, why, provider chain) without sending it",
  },
  args: {
    file: { type: "positional", required: false, description: "A Messages API request body (JSON); - reads stdin" },
    model: {
      type: "string",
      description: "The model the client asks for (default: the file's, else claude-sonnet-4-6)",
    },
    thinking: { type: "boolean", description: 'Enable extended thinking (thinking.type = "enabled")' },
    effort: { type: "string", description: "output_config.effort, as Claude Code sends it: low|medium|high|xhigh|max" },
    tools: { type: "string", description: "Comma-separated tool names; web_search adds the web search tool" },
    provider: { type: "string", description: "As the X-Provider header: restrict the chain to this provider" },
    ...configArg,
    ...jsonArg,
  },
  async run({ args }) {
    try {
      const { config, path } = await loadConfigWithoutSecrets(args.config);
      const base = args.file ? await readBody(args.file) : undefined;
      const tools = args.tools
        ?.split(",")
        .map((t) => t.trim())
        .filter(Boolean);
      const req = probeRequest({ base, model: args.model, thinking: args.thinking, effort: args.effort, tools });
      const explanation = explainRoute(config, req, { xProvider: args.provider });
      if (args.json) printJson({ config: path, ...explanation });
      else print(explanation, path);
    } catch (err) {
      die(errorMessage(err));
    }
  },
});
