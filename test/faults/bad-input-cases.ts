// Generated malformed and hostile request bodies for the bad-input suite, each with the outcome ccmux promises.
//
// Outcomes:
// - "4xx": ccmux refuses it with a 4xx in the route's error shape (Anthropic's, or OpenAI's on /v1/chat/completions).
// - "pass": the request is valid as far as ccmux is concerned and gets a normal answer. On /v1/messages the
//   body is forwarded as is: fields ccmux does not route on (temperature, metadata, unknown block types, image
//   bytes, …) are the upstream's to judge, because pass-through keeps everything Anthropic may add tomorrow.
// - "http": Bun's HTTP parser answers (400/431/505) or closes the connection before ccmux sees a request.

export type Expect = "4xx" | "pass" | "http";

export interface Case {
  group: string;
  name: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** Exact bytes for the socket instead of a fetch; "{port}" is replaced. */
  raw?: string;
  /** Send FIN after the raw bytes. */
  halfClose?: boolean;
  expect: Expect;
  /** The exact status, where the contract fixes it. */
  status?: number;
  /** Which server: the open one (default) or the one that requires an inbound API key. */
  server?: "open" | "secured";
}

export const MESSAGES = "/v1/messages";
export const COUNT = "/v1/messages/count_tokens";
export const CHAT = "/v1/chat/completions";

const USER = [{ role: "user", content: "hi" }];

export const VALID: Record<string, Record<string, unknown>> = {
  [MESSAGES]: { model: "sonnet", max_tokens: 16, messages: USER },
  [COUNT]: { model: "sonnet", messages: USER },
  [CHAT]: { model: "sonnet", max_tokens: 16, messages: USER },
};

const HUGE = "x".repeat(200_000);

/** The wrong values every field is tried with. */
export const WRONG: [string, unknown][] = [
  ["null", null],
  ["zero", 0],
  ["negative", -1],
  ["fraction", 1.5],
  ["empty string", ""],
  ["string", "x"],
  ["true", true],
  ["empty array", []],
  ["empty object", {}],
  ["array of numbers", [1]],
  ["object", { a: 1 }],
  ["huge string", HUGE],
];

type Accepts = (value: unknown) => boolean;

const never: Accepts = () => false;
const always: Accepts = () => true;
const isArray = (v: unknown) => Array.isArray(v);
const _isPlainObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown) => typeof v === "string";
const isNumber = (v: unknown) => typeof v === "number";
const isNullish = (v: unknown) => v === null || v === undefined;

/** Which of the WRONG values each field accepts: the contract, written down. */
const FIELDS: Record<string, Record<string, Accepts>> = {
  [MESSAGES]: {
    model: never, // not a configured model: 404
    messages: (v) => isArray(v) && (v as unknown[]).length === 0,
    max_tokens: never,
    system: (v) => isString(v) || (isArray(v) && (v as unknown[]).length === 0),
    tools: (v) => isArray(v) && (v as unknown[]).length === 0,
    stream: (v) => v === true,
    thinking: never,
    // Not checked by ccmux: forwarded for the upstream to judge.
    temperature: always,
    top_p: always,
    top_k: always,
    stop_sequences: always,
    metadata: always,
    tool_choice: always,
    service_tier: always,
  },
  [COUNT]: {
    model: never,
    messages: (v) => isArray(v) && (v as unknown[]).length === 0,
    system: (v) => isString(v) || (isArray(v) && (v as unknown[]).length === 0),
    tools: (v) => isArray(v) && (v as unknown[]).length === 0,
    // count_tokens ignores the sampling fields.
    max_tokens: always,
    stream: always,
    temperature: always,
    metadata: always,
    tool_choice: always,
  },
  [CHAT]: {
    model: never,
    messages: never,
    max_tokens: isNullish,
    max_completion_tokens: isNullish,
    temperature: (v) => isNullish(v) || isNumber(v),
    top_p: (v) => isNullish(v) || isNumber(v),
    tools: (v) => isNullish(v) || (isArray(v) && (v as unknown[]).length === 0),
    tool_choice: isNullish,
    stop: (v) => isNullish(v) || isString(v) || (isArray(v) && (v as unknown[]).length === 0),
    reasoning_effort: isNullish,
    n: isNullish,
    // Read since json_object is honoured: anything but an object with a known type is refused.
    response_format: isNullish,
    // Ignored by the front door (OpenAI-only knobs with no Anthropic equivalent).
    stream: always,
    user: always,
    seed: always,
    presence_penalty: always,
  },
};

function bodyCase(
  group: string,
  path: string,
  name: string,
  body: string | Uint8Array<ArrayBuffer>,
  expect: Expect,
  status?: number,
): Case {
  return { group, name, path, method: "POST", headers: { "content-type": "application/json" }, body, expect, status };
}

export function fieldCases(): Case[] {
  const out: Case[] = [];
  for (const [path, fields] of Object.entries(FIELDS)) {
    for (const [field, accepts] of Object.entries(fields)) {
      for (const [label, value] of WRONG) {
        const body = JSON.stringify({ ...VALID[path], [field]: value });
        out.push(bodyCase(`fields ${path}`, path, `${field} = ${label}`, body, accepts(value) ? "pass" : "4xx"));
      }
      const without = { ...VALID[path] };
      delete without[field];
      const required = ["model", "messages"].includes(field);
      out.push(
        bodyCase(`fields ${path}`, path, `${field} missing`, JSON.stringify(without), required ? "4xx" : "pass"),
      );
    }
    out.push(
      bodyCase(
        `fields ${path}`,
        path,
        "unknown extra fields",
        JSON.stringify({ ...VALID[path], zzz_future: { a: [1] }, __proto__x: 1 }),
        "pass",
      ),
    );
  }
  return out;
}

const SYNTAX: [string, string, Expect][] = [
  ["empty body", "", "4xx"],
  ["whitespace", "   \n\t ", "4xx"],
  ["unterminated object", "{", "4xx"],
  ["null", "null", "4xx"],
  ["array", "[]", "4xx"],
  ["number", "1", "4xx"],
  ["string", '"hello"', "4xx"],
  ["boolean", "true", "4xx"],
  ["empty object", "{}", "4xx"],
  ["array of objects", "[{}]", "4xx"],
  ["trailing garbage", '{"model":"sonnet"} trailing', "4xx"],
  ["NaN literal", '{"max_tokens": NaN}', "4xx"],
  ["comments", '{/* c */ "model": "sonnet"}', "4xx"],
  ["single quotes", "{'model': 'sonnet'}", "4xx"],
  ["trailing comma", '{"model":"sonnet",}', "4xx"],
  ["raw control character in a string", '{"model":"son\u0001net"}', "4xx"],
  ["unescaped newline in a string", '{"model":"a\nb"}', "4xx"],
];

export function syntaxCases(): Case[] {
  const out: Case[] = [];
  for (const path of [MESSAGES, COUNT, CHAT]) {
    for (const [name, body, expect] of SYNTAX) out.push(bodyCase(`syntax ${path}`, path, name, body, expect, 400));
    const valid = JSON.stringify(VALID[path]);
    out.push(
      bodyCase(
        `syntax ${path}`,
        path,
        "duplicate keys (the last wins)",
        valid.replace("{", '{"model":"nope",'),
        "pass",
      ),
    );
    out.push(
      bodyCase(
        `syntax ${path}`,
        path,
        "a UTF-8 byte order mark (ignored, as RFC 8259 allows)",
        `\uFEFF${valid}`,
        "pass",
      ),
    );
    out.push(
      bodyCase(`syntax ${path}`, path, "1 MB of whitespace around it", `${" ".repeat(1 << 20)}${valid}\n`, "pass"),
    );
  }
  return out;
}

function nest(depth: number, leaf = "1"): string {
  return "[".repeat(depth) + leaf + "]".repeat(depth);
}

function nestObject(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

export function shapeCases(): Case[] {
  const out: Case[] = [];
  const msg = (content: unknown) => JSON.stringify({ ...VALID[MESSAGES], messages: [{ role: "user", content }] });
  const push = (name: string, body: string, expect: Expect, path = MESSAGES, status?: number) =>
    out.push(bodyCase(`shapes ${path}`, path, name, body, expect, status));
  push("unknown block type (kept and forwarded)", msg([{ type: "future_block", payload: { x: 1 } }]), "pass");
  push("block without a type", msg([{ text: "hi" }]), "4xx", MESSAGES, 400);
  push("block type is a number", msg([{ type: 7 }]), "4xx", MESSAGES, 400);
  push("block is a string", msg(["hi"]), "4xx", MESSAGES, 400);
  push(
    "image with bad base64 (the upstream judges the bytes)",
    msg([{ type: "image", source: { type: "base64", media_type: "image/png", data: "!!!not base64!!!" } }]),
    "pass",
  );
  push(
    "image with an unknown media type",
    msg([{ type: "image", source: { type: "base64", media_type: "text/html", data: "PGgxPg==" } }]),
    "pass",
  );
  push("image source missing", msg([{ type: "image" }]), "pass");
  push("tool_use with a string input", msg([{ type: "tool_use", id: "t", name: "x", input: "not an object" }]), "pass");
  push(
    "tool_result with nested garbage",
    msg([{ type: "tool_result", tool_use_id: "t", content: [{ type: "weird", deep: [[[]]] }] }]),
    "pass",
  );
  push(
    "role is a number",
    JSON.stringify({ ...VALID[MESSAGES], messages: [{ role: 1, content: "x" }] }),
    "4xx",
    MESSAGES,
    400,
  );
  push(
    "role is unknown",
    JSON.stringify({ ...VALID[MESSAGES], messages: [{ role: "robot", content: "x" }] }),
    "4xx",
    MESSAGES,
    400,
  );
  push("content is a number", msg(5), "4xx", MESSAGES, 400);
  push("content is null", msg(null), "4xx", MESSAGES, 400);
  push(
    "10,000 messages",
    JSON.stringify({
      ...VALID[MESSAGES],
      messages: Array.from({ length: 10_000 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: "x" })),
    }),
    "pass",
  );
  const chat = (messages: unknown) => JSON.stringify({ ...VALID[CHAT], messages });
  push(
    "chat: bad base64 image data URL (the upstream judges the bytes)",
    chat([{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,!!!" } }] }]),
    "pass",
    CHAT,
  );
  push(
    "chat: image data URL that is not base64",
    chat([{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png,rawbytes" } }] }]),
    "4xx",
    CHAT,
    400,
  );
  push(
    "chat: unknown content part",
    chat([{ role: "user", content: [{ type: "video", video: {} }] }]),
    "4xx",
    CHAT,
    400,
  );
  push(
    "chat: tool message without a matching call",
    chat([{ role: "tool", tool_call_id: "nope", content: "x" }]),
    "4xx",
    CHAT,
    400,
  );
  push(
    "chat: tool call arguments that are not JSON",
    chat([
      { role: "user", content: "x" },
      { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{" } }] },
    ]),
    "4xx",
    CHAT,
    400,
  );
  push("chat: unknown role", chat([{ role: "wizard", content: "x" }]), "4xx", CHAT, 400);
  push("chat: only a system message", chat([{ role: "system", content: "x" }]), "4xx", CHAT, 400);
  for (const path of [MESSAGES, COUNT, CHAT]) {
    const base = VALID[path]!;
    const withMeta = (raw: string) => JSON.stringify(base).replace(/}$/, `,"metadata":${raw}}`);
    push("10,000-deep array in an unchecked field", withMeta(nest(10_000)), "pass", path);
    push("10,000-deep object in an unchecked field", withMeta(nestObject(10_000)), "pass", path);
    push(
      "10,000-deep array as messages",
      JSON.stringify(base).replace(/"messages":\[.*\]/, `"messages":${nest(10_000)}`),
      "4xx",
      path,
      400,
    );
    push("100,000-deep array as the body", nest(100_000), "4xx", path, 400);
    push("1 MB model name", JSON.stringify({ ...base, model: "m".repeat(1 << 20) }), "4xx", path);
    push(
      "5 MB of text",
      JSON.stringify({ ...base, messages: [{ role: "user", content: "y".repeat(5 << 20) }] }),
      "pass",
      path,
    );
    push(
      "a body over 32 MB",
      JSON.stringify({ ...base, messages: [{ role: "user", content: "z".repeat(33 << 20) }] }),
      "4xx",
      path,
      413,
    );
  }
  return out;
}

const enc = (s: string) => new TextEncoder().encode(s);

function splice(text: string, marker: string, bytes: number[]): Uint8Array<ArrayBuffer> {
  const [head, tail] = text.split(marker) as [string, string];
  return new Uint8Array([...enc(head), ...bytes, ...enc(tail)]);
}

export function utf8Cases(): Case[] {
  const out: Case[] = [];
  const invalid: [string, number[]][] = [
    ["0xff 0xfe", [0xff, 0xfe]],
    ["a lone continuation byte", [0x80]],
    ["an overlong NUL", [0xc0, 0x80]],
    ["a truncated 3-byte sequence", [0xe2, 0x82]],
    ["a UTF-16 surrogate encoded in UTF-8", [0xed, 0xa0, 0x80]],
  ];
  for (const path of [MESSAGES, COUNT, CHAT]) {
    const inText = JSON.stringify({ ...VALID[path], messages: [{ role: "user", content: "@@" }] });
    const group = `utf8 ${path}`;
    for (const [name, bytes] of invalid) {
      out.push(
        bodyCase(group, path, `${name} inside a string (decoded as U+FFFD)`, splice(inText, "@@", bytes), "pass"),
      );
      out.push(
        bodyCase(
          group,
          path,
          `${name} between tokens`,
          splice(JSON.stringify(VALID[path]), "{", [0x7b, ...bytes]),
          "4xx",
          400,
        ),
      );
    }
    out.push(bodyCase(group, path, "a lone surrogate escape", inText.replace("@@", "\\ud800"), "pass"));
    out.push(bodyCase(group, path, "an escaped NUL", inText.replace("@@", "a\\u0000b"), "pass"));
    out.push(
      bodyCase(
        group,
        path,
        "a UTF-16 body",
        new Uint8Array(Buffer.from(JSON.stringify(VALID[path]), "utf16le")),
        "4xx",
        400,
      ),
    );
  }
  return out;
}
