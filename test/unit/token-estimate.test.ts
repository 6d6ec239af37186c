import { expect, test } from "bun:test";
import { countRequestTokens } from "../../src/tokens/count.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

// Loading the tokenizer takes seconds on a busy machine.
boundTestsForBusyMachine();

test("the local estimate counts off the event loop: timers keep firing while a 1 MB request is counted", async () => {
  expect(await countRequestTokens({ messages: [{ role: "user", content: "Hello, world" }] })).toBe(4 + 3);
  let ticks = 0;
  let counting = true;
  const tick = () => {
    ticks++;
    if (counting) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  const tokens = await countRequestTokens({ messages: [{ role: "user", content: "word ".repeat(200_000) }] });
  counting = false;
  expect(tokens).toBeGreaterThan(100_000);
  expect(ticks).toBeGreaterThan(0);
});
