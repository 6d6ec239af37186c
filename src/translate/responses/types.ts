/** The slice of the OpenAI Responses API wire format ccmux reads and writes. Loose on purpose. */

export interface InputText {
  type: "input_text";
  text: string;
}

export interface InputImage {
  type: "input_image";
  image_url: string;
  detail: "auto";
}

export interface InputFile {
  type: "input_file";
  filename?: string;
  file_data?: string;
  file_url?: string;
}

export type InputContent = InputText | InputImage | InputFile;

export interface OutputText {
  type: "output_text";
  text: string;
}

export interface MessageItem {
  type: "message";
  role: "user" | "developer" | "assistant";
  content: InputContent[] | OutputText[];
}

export interface SummaryText {
  type: "summary_text";
  text: string;
}

export interface ReasoningItem {
  type: "reasoning";
  summary: SummaryText[];
  encrypted_content: string;
}

export interface FunctionCallItem {
  type: "function_call";
  call_id: string;
  name: string;
  arguments: string;
}

export interface FunctionCallOutputItem {
  type: "function_call_output";
  call_id: string;
  output: string;
}

export type InputItem = MessageItem | ReasoningItem | FunctionCallItem | FunctionCallOutputItem;

export interface FunctionTool {
  type: "function";
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict: false;
}

export type ResponsesToolChoice = "auto" | "none" | "required" | { type: "function"; name: string };

export type ReasoningEffort = "minimal" | "low" | "medium" | "high" | "xhigh";

export interface ResponsesRequest {
  model: string;
  instructions?: string;
  input: InputItem[];
  tools?: FunctionTool[];
  tool_choice?: ResponsesToolChoice;
  parallel_tool_calls?: boolean;
  reasoning?: { effort: ReasoningEffort; summary: "auto" };
  include?: string[];
  store: false;
  stream: boolean;
  prompt_cache_key?: string;
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  text?: { format: Record<string, unknown> };
}
