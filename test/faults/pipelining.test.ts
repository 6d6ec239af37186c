// HTTP/1.1 pipelining: what Bun (1.4.5) does with two requests sent back to back on one connection
// when the handler awaits, as every ccmux proxy request does. Recorded in README's known issues;
// when this test fails, Bun has changed: update the README.
import { expect, test } from "bun:test";
import { json } from "../helpers/fake-upstream.ts";
import { MESSAGE, useFaultRig } from "../helpers/fault-rig.ts";
import { rawUntilClosed } from "../helpers/raw-http.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const r = useFaultRig();

test("two pipelined requests: Bun closes the connection unanswered, and ccmux keeps serving", async () => {
  r.primary.setDefault(json(MESSAGE));
  const port = Number(new URL(r.ccmux.url).port);
  const body = JSON.stringify({ model: "solo", max_tokens: 5, messages: [{ role: "user", content: "hi" }] });
  const one = `POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
  const res = await rawUntilClosed(port, one + one);
  expect(res.raw).toBe("");
  const next = await r.post({ model: "solo" });
  expect(next.status).toBe(200);
});
