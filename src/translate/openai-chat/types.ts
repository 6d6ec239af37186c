import type { ChatTool, ChatToolChoice } from "../shared/tools.ts";
/** OpenAI Chat Completions wire types, as far as ccmux reads or writes them. */

export interface ChatTextPart {
  type: "text";
  text: string;
}

export interface ChatImagePart {
  type: "image_url";
  image_url: { url: string; detail?: string };
}

export type ChatContentPart = ChatTextPart | ChatImagePart;

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatSystemMessage {
  role: "system" | "developer";
  content: string;
}

export interface ChatUserMessage {
  role: "user";
  content: string | ChatContentPart[];
}

export interface ChatAssistantMessage {
  role: "assistant";
  content: string | null;
  tool_calls?: ChatToolCall[];
  /** DeepSeek / Moonshot thinking mode: the reasoning of this turn, sent back. */
  reasoning_content?: string;
}

export interface ChatToolMessage {
  role: "tool";
  tool_call_id: string;
  content: string;
}

export type ChatMessage = ChatSystemMessage | ChatUserMessage | ChatAssistantMessage | ChatToolMessage;

export type ReasoningEffort = "low" | "medium" | "high";

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  reasoning_effort?: ReasoningEffort;
  /** OpenRouter's unified reasoning knob. */
  reasoning?: { effort: ReasoningEffort };
  response_format?: { type: "json_schema"; json_schema: { name: string; schema: unknown } } | { type: "json_object" };
}
