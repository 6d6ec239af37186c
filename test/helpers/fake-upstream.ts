// A scriptable fake upstream on 127.0.0.1, port 0, built on node:net with hand-written HTTP/1.1
// so tests get exact control over resets, stalls, chunk timing, and can count open connections.
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { status, type Reply } from "./fake-replies.ts";
import { playReply, type PlayTarget } from "./fake-reply-player.ts";
import type {
  CloseRecord,
  FakeUpstream,
  FakeUpstreamOptions,
  RecordedRequest,
  ReplyHandler,
} from "./fake-upstream-types.ts";
import { HttpParseError, HttpRequestParser, type ParsedRequest } from "./http-request-parser.ts";

export * from "./fake-replies.ts";
export type * from "./fake-upstream-types.ts";

interface Connection extends PlayTarget {
  closed: boolean;
  replying: boolean;
  byServer: boolean;
}

type Waiter = () => boolean;

const unscripted: ReplyHandler = (req) =>
  status(404, {
    type: "error",
    error: { type: "not_found_error", message: `fake upstream: no reply scripted for ${req.method} ${req.path}` },
  });

const toHandler = (reply: Reply | ReplyHandler): ReplyHandler => (typeof reply === "function" ? reply : () => reply);

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const keepAlive = options.keepAlive ?? false;
  const sockets = new Set<Socket>();
  const connections = new Set<Connection>();
  const queue: ReplyHandler[] = [];
  const waiters = new Set<Waiter>();
  const closeListeners = new Set<(close: CloseRecord) => void>();
  let defaultHandler = unscripted;
  let stopped: Promise<void> | undefined;

  const state = {
    requests: [] as RecordedRequest[],
    closes: [] as CloseRecord[],
    errors: [] as Error[],
    aborted: 0,
    lastCloseAt: undefined as number | undefined,
    lastAbortAt: undefined as number | undefined,
  };

  const notify = (): void => {
    for (const waiter of [...waiters]) if (waiter()) waiters.delete(waiter);
  };

  const describe = (): string =>
    `requests=${state.requests.length} open=${sockets.size} active=${activeRequests()} aborted=${state.aborted}`;

  function activeRequests(): number {
    let n = 0;
    for (const c of connections) if (c.replying && !c.closed) n++;
    return n;
  }

  function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`fake upstream: timed out after ${timeoutMs} ms waiting for ${what} (${describe()})`));
      }, timeoutMs);
      const waiter: Waiter = () => {
        if (!done()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      waiters.add(waiter);
    });
  }

  function record(req: ParsedRequest): RecordedRequest {
    const bodyText = new TextDecoder().decode(req.body);
    const recorded: RecordedRequest = {
      method: req.method,
      path: req.target,
      headers: req.headers,
      body: req.body,
      bodyText,
      receivedAt: performance.now(),
      json() {
        try {
          return JSON.parse(bodyText);
        } catch (error) {
          throw new Error(
            `fake upstream: ${req.method} ${req.target} body is not JSON (${String(error)}): ${bodyText.slice(0, 200)}`,
          );
        }
      },
    };
    state.requests.push(recorded);
    return recorded;
  }

  async function answer(conn: Connection, req: ParsedRequest): Promise<boolean> {
    conn.replying = true;
    const recorded = record(req);
    notify();
    const handler = queue.shift() ?? defaultHandler;
    let reply: Reply;
    try {
      reply = await handler(recorded);
    } catch (error) {
      state.errors.push(error instanceof Error ? error : new Error(String(error)));
      reply = status(500, {
        type: "error",
        error: { type: "api_error", message: `fake upstream handler threw: ${String(error)}` },
      });
    }
    const result = await playReply(conn, reply, keepAlive && req.keepAlive);
    conn.replying = false;
    notify();
    return result === "reusable";
  }

  function handleSocket(socket: Socket): void {
    let markClosed = (): void => {};
    const conn: Connection = {
      socket,
      closed: false,
      replying: false,
      byServer: false,
      whenClosed: new Promise<void>((resolve) => (markClosed = resolve)),
      closeByServer(how) {
        conn.byServer = true;
        if (how === "reset") socket.resetAndDestroy();
        else socket.end();
      },
    };
    sockets.add(socket);
    connections.add(conn);
    const parser = new HttpRequestParser();
    const pending: ParsedRequest[] = [];
    let busy = false;

    const pump = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      while (pending.length > 0 && !conn.closed) {
        if (!(await answer(conn, pending.shift()!))) break;
      }
      busy = false;
    };

    socket.on("data", (data: Buffer) => {
      try {
        pending.push(...parser.push(data));
      } catch (error) {
        rejectUnparseable(conn, error);
        return;
      }
      void pump();
    });
    socket.on("error", () => {}); // client resets surface as "close"
    socket.on("close", () => {
      conn.closed = true;
      sockets.delete(socket);
      connections.delete(conn);
      const at = performance.now();
      const close: CloseRecord = { at, byServer: conn.byServer, midReply: conn.replying };
      if (conn.replying && !conn.byServer) {
        state.aborted++;
        state.lastAbortAt = at;
      }
      state.closes.push(close);
      state.lastCloseAt = at;
      markClosed();
      for (const listener of closeListeners) listener(close);
      notify();
    });
    notify();
  }

  function rejectUnparseable(conn: Connection, error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    state.errors.push(err);
    const code = err instanceof HttpParseError ? err.status : 400;
    const body = `fake upstream: ${err.message}`;
    conn.byServer = true;
    conn.socket.end(
      `HTTP/1.1 ${code} Bad Request\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }

  const server: Server = createServer(handleSocket);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const methods: Omit<FakeUpstream, keyof typeof state> = {
    url: `http://127.0.0.1:${port}`,
    port,
    reply: (reply) => void queue.push(toHandler(reply)),
    setDefault: (reply) => void (defaultHandler = toHandler(reply)),
    openConnections: () => sockets.size,
    activeRequests,
    async waitForRequests(n, timeoutMs = 5000) {
      await waitFor(() => state.requests.length >= n, timeoutMs, `${n} request(s)`);
      return state.requests;
    },
    waitForClosedConnections: (timeoutMs = 5000) =>
      waitFor(() => sockets.size === 0, timeoutMs, "all connections to close"),
    waitForAborted: (n, timeoutMs = 5000) => waitFor(() => state.aborted >= n, timeoutMs, `${n} aborted request(s)`),
    onClose(listener) {
      closeListeners.add(listener);
      return () => void closeListeners.delete(listener);
    },
    clear() {
      queue.length = 0;
      Object.assign(state, {
        requests: [],
        closes: [],
        errors: [],
        aborted: 0,
        lastCloseAt: undefined,
        lastAbortAt: undefined,
      });
    },
    stop() {
      stopped ??= (async () => {
        const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        const open = [...connections];
        for (const conn of open) {
          conn.byServer = true;
          conn.socket.destroy();
        }
        await Promise.all([listenerClosed, ...open.map((c) => c.whenClosed)]);
      })();
      return stopped;
    },
  };
  // Live read-only views of the recorded state (clear() replaces it).
  const fake = methods as FakeUpstream;
  for (const key of Object.keys(state) as (keyof typeof state)[]) {
    Object.defineProperty(fake, key, { get: () => state[key], enumerable: true });
  }
  return fake;
}
