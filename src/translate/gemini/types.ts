/** Google Gemini generateContent wire types (protocol.md §5). Loose: unknown fields are tolerated. */
export interface FunctionCall {
  name: string;
  args?: Record<string, unknown>;
  id?: string;
}

export interface FunctionResponse {
  name: string;
  response: Record<string, unknown>;
  id?: string;
}

export interface Part {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: FunctionCall;
  functionResponse?: FunctionResponse;
  [k: string]: unknown;
}

export interface Content {
  role: "user" | "model";
  parts: Part[];
}

export interface FunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

export type GeminiTool =
  | { functionDeclarations: FunctionDeclaration[] }
  | { googleSearch: Record<string, never> }
  | { urlContext: Record<string, never> };

export type FunctionCallingMode = "AUTO" | "ANY" | "NONE";

export interface ToolConfig {
  functionCallingConfig: { mode: FunctionCallingMode; allowedFunctionNames?: string[] };
}

export interface ThinkingConfig {
  includeThoughts?: boolean;
  thinkingBudget?: number;
}

export interface GenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  thinkingConfig?: ThinkingConfig;
}

export interface GenerateContentRequest {
  contents: Content[];
  systemInstruction?: { role: "user"; parts: Part[] };
  tools?: GeminiTool[];
  toolConfig?: ToolConfig;
  generationConfig?: GenerationConfig;
}

/** Code Assist (cloudcode-pa v1internal) request envelope. */
export interface CodeAssistRequest {
  model: string;
  project?: string;
  user_prompt_id: string;
  request: GenerateContentRequest & { session_id?: string };
}
