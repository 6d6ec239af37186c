/**
 * Anthropic Messages API wire types. Loose on purpose: requests keep every
 * unknown field and block type so pass-through upstreams receive them intact.
 */
export interface CacheControl {
  type: "ephemeral";
  ttl?: string;
  [k: string]: unknown;
}

export interface TextBlock {
  type: "text";
  text: string;
  cache_control?: CacheControl;
  [k: string]: unknown;
}

export type ImageSource =
  | { type: "base64"; media_type: string; data: string }
  | { type: "url"; url: string }
  | { type: string; [k: string]: unknown };

export interface ImageBlock {
  type: "image";
  source: ImageSource;
  [k: string]: unknown;
}

export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
  [k: string]: unknown;
}

export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content?: string | ContentBlock[];
  is_error?: boolean;
  [k: string]: unknown;
}

export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature?: string;
  [k: string]: unknown;
}

export interface RedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
  [k: string]: unknown;
}

export interface OtherBlock {
  type: string;
  [k: string]: unknown;
}

export type ContentBlock =
  | TextBlock
  | ImageBlock
  | ToolUseBlock
  | ToolResultBlock
  | ThinkingBlock
  | RedactedThinkingBlock
  | OtherBlock;

export interface Message {
  role: "user" | "assistant" | "system";
  content: string | ContentBlock[];
  [k: string]: unknown;
}

export interface Tool {
  name: string;
  type?: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  [k: string]: unknown;
}

export type ToolChoice =
  | { type: "auto" | "any" | "none"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean };

export interface ThinkingConfig {
  type: "enabled" | "adaptive" | "disabled" | string;
  budget_tokens?: number;
  [k: string]: unknown;
}

export interface MessagesRequest {
  model: string;
  messages: Message[];
  max_tokens?: number;
  system?: string | TextBlock[];
  tools?: Tool[];
  tool_choice?: ToolChoice;
  thinking?: ThinkingConfig;
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  metadata?: Record<string, unknown>;
  [k: string]: unknown;
}

export type StopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded";

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  [k: string]: unknown;
}

export interface MessageResponse {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: Usage;
  [k: string]: unknown;
}

/** One Anthropic SSE event: `event: <type>\ndata: <json>\n\n`. */
export interface StreamEvent {
  type: string;
  [k: string]: unknown;
}
