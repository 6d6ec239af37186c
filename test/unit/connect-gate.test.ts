import { describe, expect, test } from "bun:test";
import { createServer, type AddressInfo } from "node:net";
import { connectTarget, createConnectGate, type Connector } from "../../src/providers/connect-gate.ts";
import { UpstreamError } from "../../src/util/errors.ts";

const never: Connector = (_h, _p, signal) =>
  new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));

/** A fetch that only settles when the test says so, recording the signal it was given. */
function pendingFetch() {
  const calls: { url: string; signal?: AbortSignal }[] = [];
  let resolve!: (r: Response) => void;
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), signal: init?.signal ?? undefined });
    return new Promise<Response>((ok, fail) => {
      resolve = ok;
      init?.signal?.addEventListener("abort", () => fail(new Error("fetch aborted")));
    });
  };
  return { fetch, calls, answer: (r: Response) => resolve(r) };
}

describe("connect gate", () => {
  test("a host that accepts no connection within the limit fails the fetch with a retryable 504 and aborts it", async () => {
    const gate = createConnectGate({ connect: never });
    const f = pendingFetch();
    const t0 = performance.now();
    const err = await gate
      .wrap(
        f.fetch,
        50,
      )("http://10.0.0.1:8080/v1/messages")
      .catch((e) => e);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({
      status: 504,
      type: "timeout_error",
      retryable: true,
      message: "could not connect to 10.0.0.1:8080 within 50 ms",
    });
    expect(f.calls[0]!.signal!.aborted).toBe(true);
  });

  test("a refused connection is a retryable 502 naming the cause", async () => {
    const server = createServer();
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((ok) => server.close(() => ok()));
    const gate = createConnectGate();
    const err = await gate.probe(new URL(`http://127.0.0.1:${port}/`), 2000).catch((e) => e);
    expect(err).toMatchObject({ status: 502, retryable: true });
    expect(err.message).toContain(`could not connect to 127.0.0.1:${port} (ECONNREFUSED)`);
  });

  test("a successful probe vouches for its origin for a while; concurrent requests share one probe", async () => {
    let connects = 0;
    const clock = { t: 0 };
    const gate = createConnectGate({ connect: async () => void connects++, now: () => clock.t, freshMs: 60_000 });
    await Promise.all([
      gate.probe(new URL("https://api.example.test/a"), 100),
      gate.probe(new URL("https://api.example.test:443/b"), 100),
    ]);
    expect(connects).toBe(1);
    clock.t += 59_000;
    await gate.probe(new URL("https://api.example.test/c"), 100);
    expect(connects).toBe(1);
    clock.t += 2_000;
    await gate.probe(new URL("https://api.example.test/c"), 100);
    expect(connects).toBe(2);
  });

  test("a probe that fails after the answer arrived does not touch the answer", async () => {
    let failProbe!: () => void;
    const gate = createConnectGate({
      connect: () => new Promise((_, reject) => (failProbe = () => reject(new Error("late")))),
    });
    const f = pendingFetch();
    const pending = gate.wrap(f.fetch, 5000)("http://127.0.0.1:1/x");
    f.answer(new Response("ok"));
    const res = await pending;
    failProbe();
    await Bun.sleep(10);
    expect(await res.text()).toBe("ok");
    expect(f.calls[0]!.signal!.aborted).toBe(false);
  });

  test("the probe goes where fetch connects: the proxy, unless NO_PROXY matches", () => {
    const env = { HTTPS_PROXY: "http://proxy.corp:3128", NO_PROXY: "localhost,.internal.corp" };
    expect(connectTarget(new URL("https://api.anthropic.com/v1"), env).host).toBe("proxy.corp:3128");
    expect(connectTarget(new URL("https://llm.internal.corp/v1"), env).host).toBe("llm.internal.corp");
    expect(connectTarget(new URL("http://localhost:8080/v1"), env).host).toBe("localhost:8080");
    expect(connectTarget(new URL("http://api.example.test/v1"), env).host).toBe("api.example.test");
  });
});
