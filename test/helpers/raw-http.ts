// Sends exact bytes to a loopback server and reads the first response, for requests no HTTP client would send.
import { connect } from "node:net";

export interface RawResponse {
  /** Undefined when the server closed the connection without answering. */
  status?: number;
  headers: Record<string, string>;
  body: string;
}

function parse(text: string): RawResponse {
  const end = text.indexOf("\r\n\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!m || end < 0) return { headers: {}, body: "" };
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, end).split("\r\n").slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const rest = text.slice(end + 4);
  const length = Number(headers["content-length"]);
  return { status: Number(m[1]), headers, body: Number.isFinite(length) ? rest.slice(0, length) : rest };
}

function complete(text: string): boolean {
  const r = parse(text);
  if (r.status === undefined) return false;
  const length = Number(r.headers["content-length"]);
  if (!Number.isFinite(length)) return false;
  return Buffer.byteLength(text.slice(text.indexOf("\r\n\r\n") + 4), "latin1") >= length;
}

/**
 * Writes `request` and resolves with the first response once it is complete or the server closes the
 * connection. `halfClose` sends FIN after the request (Bun then treats the request as aborted by the
 * client). `timeoutMs` only bounds a broken server.
 */
export function rawRequest(
  port: number,
  request: string | Uint8Array,
  opts: { halfClose?: boolean; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(text));
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms; got ${JSON.stringify(text.slice(0, 200))}`));
    }, opts.timeoutMs ?? 10_000);
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (complete(text)) done();
    });
    socket.on("close", done);
    socket.on("error", () => {});
    socket.write(typeof request === "string" ? Buffer.from(request, "latin1") : request, () => {
      if (opts.halfClose) socket.end();
    });
  });
}

/**
 * Writes `request` (its body unfinished, for instance) and resolves once the server closes the
 * connection, with everything it sent parsed as the first response. `timeoutMs` only bounds a server
 * that never closes.
 */
export function rawUntilClosed(
  port: number,
  request: string | Uint8Array,
  opts: { timeoutMs?: number } = {},
): Promise<RawResponse & { raw: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`not closed within ${opts.timeoutMs ?? 10_000} ms; got ${JSON.stringify(text.slice(0, 200))}`));
    }, opts.timeoutMs ?? 10_000);
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ ...parse(text), raw: text });
    });
    socket.on("error", () => {});
    socket.write(typeof request === "string" ? Buffer.from(request, "latin1") : request);
  });
}
