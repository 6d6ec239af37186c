import type { AnthropicErrorType } from "../util/errors.ts";
import type { ContentBlock, TextBlock } from "./anthropic-content.ts";

/**
 * Anthropic Messages API wire types. Loose on purpose: requests keep every
 * unknown field and block type so pass-through upstreams receive them intact.
 */
export { contentBlocks, knownBlock, knownSource } from "./anthropic-content.ts";
export type {
  CacheControl,
  TextBlock,
  Base64Source,
  UrlSource,
  FileSource,
  TextSource,
  ContentSource,
  KnownSource,
  UnknownSource,
  ImageSource,
  ImageBlock,
  DocumentBlock,
  SearchResultBlock,
  ToolUseBlock,
  ToolResultBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
  KnownBlock,
  KnownBlockType,
  UnknownBlock,
  ContentBlock,
} from "./anthropic-content.ts";

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
  /** `effort` (thinking depth) and `format` (structured output: `{type:"json_schema", schema}`). */
  output_config?: { effort?: unknown; format?: { type?: unknown; schema?: unknown }; [k: string]: unknown };
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

/** message_start's message: no content yet, usage as far as known. */
export interface StartedMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: Partial<Usage>;
  [k: string]: unknown;
}

export interface MessageResponse extends StartedMessage {
  usage: Usage;
}

export interface MessageStartEvent {
  type: "message_start";
  message: StartedMessage;
}

export interface TextDelta {
  type: "text_delta";
  text: string;
}

export interface InputJsonDelta {
  type: "input_json_delta";
  partial_json: string;
}

export interface ThinkingDelta {
  type: "thinking_delta";
  thinking: string;
}

export interface SignatureDelta {
  type: "signature_delta";
  signature: string;
}

export interface CitationsDelta {
  type: "citations_delta";
  citation: unknown;
}

export type BlockDelta = TextDelta | InputJsonDelta | ThinkingDelta | SignatureDelta | CitationsDelta;

export interface ContentBlockStartEvent {
  type: "content_block_start";
  index: number;
  content_block: ContentBlock;
}

export interface ContentBlockDeltaEvent {
  type: "content_block_delta";
  index: number;
  delta: BlockDelta;
}

export interface ContentBlockStopEvent {
  type: "content_block_stop";
  index: number;
}

export interface MessageDeltaEvent {
  type: "message_delta";
  delta: { stop_reason: StopReason | null; stop_sequence: string | null };
  usage: Partial<Usage>;
}

export interface MessageStopEvent {
  type: "message_stop";
}

export interface PingEvent {
  type: "ping";
}

export interface ErrorEvent {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
}

/** One Anthropic SSE event (`event: <type>\ndata: <json>\n\n`), as every translator produces it. */
export type StreamEvent =
  | MessageStartEvent
  | ContentBlockStartEvent
  | ContentBlockDeltaEvent
  | ContentBlockStopEvent
  | MessageDeltaEvent
  | MessageStopEvent
  | PingEvent
  | ErrorEvent;

export type StreamEventType = StreamEvent["type"];
