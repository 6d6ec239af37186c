import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { PoolConfig, ProviderConfig } from "../../src/config/types.ts";
import { createAccountPools } from "../../src/pool/pools.ts";
import { json, startFakeUpstream, status, type FakeUpstream, type Reply } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { BACKUP_MESSAGE } from "../helpers/translated-upstreams.ts";
import { ANTHROPIC_LIMIT_BODY, anthropicUnified } from "../helpers/rate-limit-headers.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const OK = BACKUP_MESSAGE;

/** The clock ccmux's pools read; tests move it instead of waiting. */
let clock = Date.UTC(2026, 11, 5, 12, 0, 0);
const resetIn = (minutes: number) => Math.floor(clock / 1000) + minutes * 60;

let upstream: FakeUpstream;
let ccmux: InProcessServer;
/** Per account: the 5h utilization it reports, or a 429 that says its window is spent until this epoch second. */
const accountState: Record<string, { utilization: number; limitedUntil?: number }> = {};

function accountReply(account: string): Reply {
  const s = accountState[account]!;
  if (s.limitedUntil)
    return status(
      429,
      ANTHROPIC_LIMIT_BODY,
      anthropicUnified({ fiveHour: 1.02, fiveHourReset: s.limitedUntil, rejected: "5h" }),
    );
  return json(OK, {
    headers: anthropicUnified({ fiveHour: s.utilization, sevenDay: 0.02, fiveHourReset: resetIn(120) }),
  });
}

const accountOf = (req: { headers: Record<string, string> }) => req.headers["x-api-key"]!.replace("fake-key-", "");

function pool(strategy: PoolConfig["strategy"], weights = [1, 1, 1]): ProviderConfig {
  return provider("pool", upstream.url, {
    api_key: undefined,
    accounts: ["a", "b", "c"].map((name, i) => ({
      name,
      api_key: `fake-key-${name}`,
      weight: weights[i]!,
      enabled: true,
    })),
    pool: { strategy, shed_utilization: 0.9, session_ttl_s: 3600, wait_for_reset_max_s: 0 },
  });
}

async function serve(p: ProviderConfig): Promise<void> {
  await ccmux?.stop();
  const config = testConfig({ providers: [p], models: [model("m", ["pool", "m-up"])] });
  ccmux = await startInProcess(config, { pools: createAccountPools(() => clock) });
}

let sessions = 0;
const post = (session = `s-${++sessions}`) =>
  fetch(`${ccmux.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-claude-code-session-id": session },
    body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  });
const accountServing = async (session?: string) => {
  const res = await post(session);
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return res.headers.get("x-ccmux-account");
};
const statusOf = async () => ((await (await fetch(`${ccmux.url}/api/status`)).json()) as any).providers[0].accounts;

beforeAll(async () => {
  upstream = await startFakeUpstream({ keepAlive: true });
  upstream.setDefault((req) => accountReply(accountOf(req)));
});

afterEach(() => {
  upstream.clear();
  for (const name of ["a", "b", "c"]) accountState[name] = { utilization: 0.1 };
});

afterAll(async () => {
  await ccmux?.stop();
  await upstream.stop();
});

describe("a pool of three accounts", () => {
  test("fill-first uses one account until it is limited, then the next, within the same request", async () => {
    await serve(pool("fill-first"));
    for (const name of ["a", "b", "c"]) accountState[name] = { utilization: 0.1 };
    expect([await accountServing(), await accountServing()]).toEqual(["a", "a"]);
    accountState.a = { utilization: 1, limitedUntil: resetIn(30) };
    expect(await accountServing()).toBe("b");
    expect(await accountServing()).toBe("b");
    expect(upstream.requests.map(accountOf)).toEqual(["a", "a", "a", "b", "b"]);
  });

  test("round-robin honours weights: 2:1:1 over eight requests", async () => {
    await serve(pool("round-robin", [2, 1, 1]));
    const served: string[] = [];
    for (let i = 0; i < 8; i++) served.push((await accountServing())!);
    expect(served.filter((x) => x === "a")).toHaveLength(4);
    expect(served.filter((x) => x === "b")).toHaveLength(2);
    expect(served.filter((x) => x === "c")).toHaveLength(2);
    for (let i = 1; i < served.length; i++) if (served[i] !== "a") expect(served[i - 1]).not.toBe(served[i]);
  });

  test("least-used sends new sessions to the account with the most quota left in its tightest window", async () => {
    await serve(pool("least-used"));
    Object.assign(accountState, { a: { utilization: 0.5 }, b: { utilization: 0.1 }, c: { utilization: 0.3 } });
    // Nothing known yet: the first three spread by request count, and learn each account's quota.
    expect([await accountServing(), await accountServing(), await accountServing()].sort()).toEqual(["a", "b", "c"]);
    expect([await accountServing(), await accountServing()]).toEqual(["b", "b"]);
    accountState.b = { utilization: 0.6 };
    expect(await accountServing()).toBe("b");
    expect([await accountServing(), await accountServing()]).toEqual(["c", "c"]);
    const st = await statusOf();
    expect(st.find((a: any) => a.name === "b").windows).toContainEqual(
      expect.objectContaining({ name: "5h", utilization: 0.6 }),
    );
  });
});

describe("quota parks", () => {
  test("a limited account is parked exactly until its reset, then exactly one probe goes to it", async () => {
    await serve(pool("fill-first"));
    const reset = resetIn(37);
    accountState.a = { utilization: 1, limitedUntil: reset };
    expect(await accountServing()).toBe("b");
    const parked = (await statusOf()).find((a: any) => a.name === "a");
    expect(parked).toMatchObject({
      state: "limited",
      reason: "5h window",
      until: new Date(reset * 1000).toISOString(),
    });
    clock = reset * 1000 - 1;
    accountState.a = { utilization: 0.05 };
    expect(await accountServing()).toBe("b");
    clock = reset * 1000;
    let release!: () => void;
    upstream.reply(() => new Promise<Reply>((ok) => (release = () => ok(accountReply("a")))));
    const probe = post();
    await upstream.waitForRequests(4);
    expect(accountOf(upstream.requests[3]!)).toBe("a");
    expect((await statusOf()).find((a: any) => a.name === "a").state).toBe("probing");
    // While the probe is out, nothing else goes to a.
    expect(await accountServing()).toBe("b");
    release();
    expect((await probe).headers.get("x-ccmux-account")).toBe("a");
    expect(await accountServing()).toBe("a");
    expect(upstream.requests.map(accountOf)).toEqual(["a", "b", "b", "a", "b", "a"]);
    expect(upstream.requests).toHaveLength(6);
  });

  test("when every account is limited, the 429 names the earliest reset and carries retry-after", async () => {
    await serve(pool("least-used"));
    accountState.a = { utilization: 1, limitedUntil: resetIn(90) };
    accountState.b = { utilization: 1, limitedUntil: resetIn(37) };
    accountState.c = { utilization: 1, limitedUntil: resetIn(200) };
    const res = await post();
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe(String(37 * 60));
    const body = (await res.json()) as any;
    const at = new Date(resetIn(37) * 1000);
    const hhmm = `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
    expect(body).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: `all 3 accounts limited; earliest reset ${hhmm} (in 37 min)` },
    });
    // Nothing more is sent upstream while all are parked.
    const again = await post();
    expect(again.status).toBe(429);
    expect(upstream.requests).toHaveLength(3);
  });

  test("50 concurrent requests with two accounts parked: none reaches a parked account", async () => {
    await serve(pool("round-robin"));
    accountState.a = { utilization: 1, limitedUntil: resetIn(60) };
    accountState.b = { utilization: 1, limitedUntil: resetIn(60) };
    await accountServing();
    await accountServing();
    upstream.clear();
    const answers = await Promise.all(Array.from({ length: 50 }, () => accountServing()));
    expect(new Set(answers)).toEqual(new Set(["c"]));
    expect(upstream.requests).toHaveLength(50);
    expect(new Set(upstream.requests.map(accountOf))).toEqual(new Set(["c"]));
  });
});

describe("session affinity", () => {
  test("a session stays on its account, moves on failover, and stays where it moved", async () => {
    await serve(pool("round-robin"));
    const first = await accountServing("conv-1");
    expect([await accountServing("conv-1"), await accountServing("conv-1")]).toEqual([first, first]);
    accountState[first!] = { utilization: 1, limitedUntil: resetIn(10) };
    const moved = await accountServing("conv-1");
    expect(moved).not.toBe(first);
    clock = resetIn(11) * 1000;
    accountState[first!] = { utilization: 0.1 };
    expect([await accountServing("conv-1"), await accountServing("conv-1")]).toEqual([moved, moved]);
    expect(ccmux.logs.join("")).toContain(`session moved from pool/${first} to pool/${moved}`);
    const pinned = (await statusOf()).find((a: any) => a.name === moved);
    expect(pinned.sessions).toBe(1);
  });

  test("no starving: new sessions go to the emptier account, and a pinned session sheds once its account passes the threshold", async () => {
    await serve(pool("least-used"));
    accountState.c = { utilization: 0.99 };
    accountState.a = { utilization: 0.52 };
    accountState.b = { utilization: 0.12 };
    expect(await accountServing("long")).toBe("a");
    await accountServing();
    await accountServing();
    // The long session keeps its warm cache on a while a is under the threshold...
    expect(await accountServing("long")).toBe("a");
    // ...but every new session goes to b, which has the most left.
    expect([await accountServing(), await accountServing(), await accountServing()]).toEqual(["b", "b", "b"]);
    accountState.a = { utilization: 0.93 };
    expect(await accountServing("long")).toBe("a");
    expect(await accountServing("long")).toBe("b");
    expect(await accountServing("long")).toBe("b");
  });
});
