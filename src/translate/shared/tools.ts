import type { Tool, ToolChoice } from "../../contracts/anthropic.ts";
import { RequestError } from "../../util/errors.ts";

/** A tool with a `type` other than "custom" is run by Anthropic's servers (web_search_…, code_execution_…). */
export function isServerTool(tool: Tool): boolean {
  return typeof tool.type === "string" && tool.type !== "custom";
}

/** A Chat Completions function tool (the Responses API flattens the same fields). */
export interface ChatTool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export type ChatToolChoice = "auto" | "none" | "required" | { type: "function"; function: { name: string } };

export interface ChatToolsResult {
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
}

/** tools + tool_choice → Chat fields. Server tools can't run upstream: alone they are a 400, mixed they are dropped. */
export function toChatTools(
  tools: Tool[] | undefined,
  choice: ToolChoice | undefined,
  log?: (msg: string) => void,
): ChatToolsResult {
  const all = Array.isArray(tools) ? tools : [];
  const server = all.filter(isServerTool);
  const custom = all.filter((t) => !isServerTool(t));
  if (server.length > 0 && custom.length === 0) {
    const names = server.map((t) => t.type).join(", ");
    throw new RequestError(
      `This request only carries Anthropic server tools (${names}), which an OpenAI-compatible provider cannot run. ` +
        `Route web search to an Anthropic model: set [router] websearch = "<a model served by an Anthropic provider>".`,
    );
  }
  if (server.length > 0)
    log?.(`dropping server tools the upstream cannot run: ${server.map((t) => t.type).join(", ")}`);
  if (custom.length === 0) return {};
  const out: ChatToolsResult = { tools: custom.map(toChatTool) };
  if (choice) {
    out.tool_choice = toChatToolChoice(choice);
    if (choice.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
  }
  return out;
}

function toChatTool(tool: Tool): ChatTool {
  if (typeof tool.name !== "string" || tool.name === "")
    throw new RequestError("tools: every tool needs a non-empty name");
  const { $schema: _ignored, ...schema } = tool.input_schema ?? {};
  const parameters = Object.keys(schema).length > 0 ? schema : { type: "object", properties: {} };
  const fn: ChatTool["function"] = { name: tool.name, parameters };
  if (typeof tool.description === "string" && tool.description !== "") fn.description = tool.description;
  return { type: "function", function: fn };
}

function toChatToolChoice(choice: ToolChoice): ChatToolChoice {
  switch (choice.type) {
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      if (!("name" in choice) || typeof choice.name !== "string")
        throw new RequestError('tool_choice: type "tool" needs a name');
      return { type: "function", function: { name: choice.name } };
    default:
      return "auto";
  }
}
