// Plays a scripted Reply onto a raw socket as hand-written HTTP/1.1, so resets and stalls are exact.
import type { Socket } from "node:net";
import { STATUS_CODES } from "node:http";
import { byteLength, type Chunk, type Reply, type RespondReply } from "./fake-replies.ts";

/** One client connection as the player sees it. */
export interface PlayTarget {
  readonly socket: Socket;
  readonly closed: boolean;
  /** Resolves when the socket has closed, for whatever reason. */
  readonly whenClosed: Promise<void>;
  /** Close from the server side: a graceful FIN ("end") or a TCP reset ("reset"). */
  closeByServer(how: "end" | "reset"): void;
}

/** Outcome: whether the connection may carry another request. */
export type PlayResult = "reusable" | "closed";

const FRAMING_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "keep-alive"]);

export async function playReply(target: PlayTarget, reply: Reply, keepAlive: boolean): Promise<PlayResult> {
  if (reply.kind === "hang") {
    await target.whenClosed;
    return "closed";
  }
  if (reply.kind === "reset-before-headers") {
    target.closeByServer("reset");
    return "closed";
  }
  return playRespond(target, reply, keepAlive);
}

async function playRespond(target: PlayTarget, reply: RespondReply, keepAlive: boolean): Promise<PlayResult> {
  if (reply.headerDelayMs > 0) await pause(target, reply.headerDelayMs);
  if (!(await write(target, responseHead(reply, keepAlive)))) return "closed";
  const chunked = reply.framing === "chunked";
  let first = true;
  for (const chunk of reply.chunks()) {
    if (byteLength(chunk) === 0) continue; // an empty chunk would end a chunked body
    if (!first && reply.delayMs > 0) await pause(target, reply.delayMs);
    first = false;
    if (!(await write(target, chunked ? frameChunk(chunk) : chunk))) return "closed";
  }
  return finish(target, reply, keepAlive);
}

async function finish(target: PlayTarget, reply: RespondReply, keepAlive: boolean): Promise<PlayResult> {
  if (reply.ending === "stall") {
    await target.whenClosed;
    return "closed";
  }
  if (reply.ending === "reset") {
    if (reply.delayMs > 0) await pause(target, reply.delayMs);
    target.closeByServer("reset");
    return "closed";
  }
  if (reply.framing === "chunked" && !(await write(target, "0\r\n\r\n"))) return "closed";
  if (keepAlive) return target.closed ? "closed" : "reusable";
  target.closeByServer("end");
  return "closed";
}

function responseHead(reply: RespondReply, keepAlive: boolean): string {
  const lines = [`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? "Unknown"}`];
  for (const [name, value] of Object.entries(reply.headers)) {
    if (!FRAMING_HEADERS.has(name)) lines.push(`${name}: ${value}`);
  }
  if (reply.framing === "chunked") lines.push("transfer-encoding: chunked");
  else lines.push(`content-length: ${reply.length ?? 0}`);
  lines.push(`connection: ${keepAlive ? "keep-alive" : "close"}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

function frameChunk(chunk: Chunk): Uint8Array {
  const data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
  return Buffer.concat([Buffer.from(`${data.byteLength.toString(16)}\r\n`), data, Buffer.from("\r\n")]);
}

/** Writes with backpressure. False when the connection is (or becomes) closed. */
async function write(target: PlayTarget, data: Chunk): Promise<boolean> {
  const { socket } = target;
  if (target.closed || socket.destroyed) return false;
  if (!socket.write(data)) {
    let onDrain = (): void => {};
    const drained = new Promise<void>((resolve) => {
      onDrain = resolve;
      socket.once("drain", onDrain);
    });
    await Promise.race([drained, target.whenClosed]);
    socket.off("drain", onDrain);
  }
  return !target.closed && !socket.destroyed;
}

/** Sleeps, but wakes early if the connection closes. */
async function pause(target: PlayTarget, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), target.whenClosed]);
  clearTimeout(timer);
}
