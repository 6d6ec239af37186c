/**
 * What the Responses front door sends back to the client: the `response` object, its output
 * items and the stream events, as OpenAI's API shapes them (openai@6 `Response`,
 * `ResponseStreamEvent`). Only what ccmux produces.
 */

export interface OutputTextPart {
  type: "output_text";
  text: string;
  annotations: never[];
  logprobs: never[];
}

export interface SummaryPart {
  type: "summary_text";
  text: string;
}

export interface MessageOutput {
  type: "message";
  id: string;
  status: "in_progress" | "completed";
  role: "assistant";
  content: OutputTextPart[];
}

export interface ReasoningOutput {
  type: "reasoning";
  id: string;
  summary: SummaryPart[];
  /** The Anthropic thinking signature (or `redacted:` + redacted_thinking data), sent back on the next turn. */
  encrypted_content?: string;
}

export interface FunctionCallOutput {
  type: "function_call";
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: "in_progress" | "completed";
}

export type OutputItem = MessageOutput | ReasoningOutput | FunctionCallOutput;

export interface ResponsesUsageOut {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  store: false;
  tool_choice: "auto";
  tools: never[];
  text: { format: { type: "text" } };
  truncation: "disabled";
  metadata: Record<string, never>;
  usage: ResponsesUsageOut | null;
}

/** Who the answer is for: the model name the client asked for, and the time, injected so translation stays pure. */
export interface FrontDoorResponseOptions {
  model: string;
  /** Unix seconds. */
  createdAt: number;
}
