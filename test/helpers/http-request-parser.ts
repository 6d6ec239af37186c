// A minimal, incremental HTTP/1.1 request parser for the loopback fake upstream.
// Handles the request line, headers, Content-Length and chunked bodies, and pipelined requests.

export interface ParsedRequest {
  method: string;
  target: string;
  version: string;
  /** Lower-cased names; repeated headers are joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
  keepAlive: boolean;
}

export class HttpParseError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "HttpParseError";
  }
}

const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");

type Head = Omit<ParsedRequest, "body">;
type State =
  | { kind: "head" }
  | { kind: "length"; head: Head; remaining: number; pieces: Uint8Array[] }
  | { kind: "chunk-size"; head: Head; pieces: Uint8Array[] }
  | { kind: "chunk-data"; head: Head; pieces: Uint8Array[]; remaining: number }
  | { kind: "chunk-crlf"; head: Head; pieces: Uint8Array[] }
  | { kind: "trailers"; head: Head; pieces: Uint8Array[] };

/** Feed bytes with `push`; it returns every request completed by them. Throws HttpParseError on garbage. */
export class HttpRequestParser {
  private buf: Buffer = Buffer.alloc(0);
  private state: State = { kind: "head" };

  push(chunk: Uint8Array): ParsedRequest[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const done: ParsedRequest[] = [];
    for (;;) {
      const request = this.step();
      if (request === "need-more") return done;
      if (request) done.push(request);
    }
  }

  /** True while a request has been started but not completed. */
  get midRequest(): boolean {
    return this.state.kind !== "head" || this.buf.length > 0;
  }

  private step(): ParsedRequest | null | "need-more" {
    const s = this.state;
    switch (s.kind) {
      case "head":
        return this.stepHead();
      case "length":
        return this.stepLength(s);
      case "chunk-size":
        return this.stepChunkSize(s);
      case "chunk-data":
        return this.stepChunkData(s);
      case "chunk-crlf":
        return this.stepChunkCrlf(s);
      case "trailers":
        return this.stepTrailers(s);
    }
  }

  private stepHead(): ParsedRequest | null | "need-more" {
    // Tolerate stray CRLFs between pipelined requests (RFC 9112 §2.2).
    while (this.buf.length >= 2 && this.buf[0] === 13 && this.buf[1] === 10) this.buf = this.buf.subarray(2);
    const end = this.buf.indexOf(HEAD_END);
    if (end < 0) {
      if (this.buf.length > MAX_HEAD_BYTES) throw new HttpParseError("request head too large", 431);
      return "need-more";
    }
    const head = parseHead(this.buf.subarray(0, end).toString("latin1"));
    this.buf = this.buf.subarray(end + 4);
    const te = head.headers["transfer-encoding"];
    if (te !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(te)) throw new HttpParseError(`unsupported transfer-encoding: ${te}`, 501);
      this.state = { kind: "chunk-size", head, pieces: [] };
      return null;
    }
    const length = parseContentLength(head.headers["content-length"]);
    if (length === 0) return this.finish(head, []);
    this.state = { kind: "length", head, remaining: length, pieces: [] };
    return null;
  }

  private stepLength(s: Extract<State, { kind: "length" }>): ParsedRequest | null | "need-more" {
    if (this.buf.length === 0) return "need-more";
    s.remaining -= this.take(s.pieces, s.remaining);
    return s.remaining === 0 ? this.finish(s.head, s.pieces) : "need-more";
  }

  private stepChunkSize(s: Extract<State, { kind: "chunk-size" }>): null | "need-more" {
    const line = this.takeLine();
    if (line === null) return "need-more";
    const hex = line.split(";")[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(hex)) throw new HttpParseError(`bad chunk size: ${JSON.stringify(line)}`);
    const size = Number.parseInt(hex, 16);
    this.state =
      size === 0
        ? { kind: "trailers", head: s.head, pieces: s.pieces }
        : { kind: "chunk-data", head: s.head, pieces: s.pieces, remaining: size };
    return null;
  }

  private stepChunkData(s: Extract<State, { kind: "chunk-data" }>): null | "need-more" {
    if (this.buf.length === 0) return "need-more";
    s.remaining -= this.take(s.pieces, s.remaining);
    if (s.remaining > 0) return "need-more";
    this.state = { kind: "chunk-crlf", head: s.head, pieces: s.pieces };
    return null;
  }

  private stepChunkCrlf(s: Extract<State, { kind: "chunk-crlf" }>): null | "need-more" {
    if (this.buf.length < 2) return "need-more";
    if (this.buf[0] !== 13 || this.buf[1] !== 10) throw new HttpParseError("missing CRLF after chunk data");
    this.buf = this.buf.subarray(2);
    this.state = { kind: "chunk-size", head: s.head, pieces: s.pieces };
    return null;
  }

  private stepTrailers(s: Extract<State, { kind: "trailers" }>): ParsedRequest | null | "need-more" {
    for (;;) {
      const line = this.takeLine();
      if (line === null) return "need-more";
      if (line === "") return this.finish(s.head, s.pieces);
    }
  }

  private take(pieces: Uint8Array[], max: number): number {
    const n = Math.min(max, this.buf.length);
    pieces.push(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    return n;
  }

  private takeLine(): string | null {
    const end = this.buf.indexOf(CRLF);
    if (end < 0) {
      if (this.buf.length > MAX_HEAD_BYTES) throw new HttpParseError("chunk line too long");
      return null;
    }
    const line = this.buf.subarray(0, end).toString("latin1");
    this.buf = this.buf.subarray(end + 2);
    return line;
  }

  private finish(head: Head, pieces: Uint8Array[]): ParsedRequest {
    this.state = { kind: "head" };
    return { ...head, body: new Uint8Array(Buffer.concat(pieces)) };
  }
}

function parseHead(text: string): Head {
  const lines = text.split("\r\n");
  const match = /^([A-Z!#$%&'*+.^_`|~0-9-]+) (\S+) HTTP\/(1\.[01])$/.exec(lines[0] ?? "");
  if (!match) throw new HttpParseError(`bad request line: ${JSON.stringify(lines[0])}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new HttpParseError(`bad header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const version = match[3]!;
  const connection = (headers.connection ?? "").toLowerCase();
  const keepAlive = version === "1.1" ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
  return { method: match[1]!, target: match[2]!, version, headers, keepAlive };
}

function parseContentLength(value: string | undefined): number {
  if (value === undefined) return 0;
  const values = new Set(value.split(",").map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || only === undefined || !/^\d+$/.test(only))
    throw new HttpParseError(`bad content-length: ${value}`);
  return Number(only);
}
