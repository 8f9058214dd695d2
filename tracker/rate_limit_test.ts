import { assert, assertEquals, assertThrows } from "../lib/testing.ts";
import { RateLimiter } from "./rate_limit.ts";

Deno.test("a burst is allowed, then the sustained rate", () => {
  const rl = new RateLimiter({ rate: 10, burst: 5 });
  const first = Array.from({ length: 7 }, () => rl.take("1.2.3.4", 0));
  assertEquals(first, [true, true, true, true, true, false, false]);
  // Another address has its own bucket.
  assert(rl.take("5.6.7.8", 0));
  // 10/s refills one token per 100 ms.
  assert(!rl.take("1.2.3.4", 50));
  assert(rl.take("1.2.3.4", 160));
  assert(!rl.take("1.2.3.4", 170));
});

Deno.test("rate 0 never limits; bad settings throw", () => {
  const rl = new RateLimiter({ rate: 0, burst: 1 });
  for (let i = 0; i < 100; i++) assert(rl.take("x", 0));
  assertThrows(() => new RateLimiter({ rate: -1, burst: 1 }), RangeError);
  assertThrows(() => new RateLimiter({ rate: 1, burst: 0 }), RangeError);
});

Deno.test("memory stays bounded: refilled buckets are swept", () => {
  const rl = new RateLimiter({ rate: 10, burst: 10 }, 100);
  for (let i = 0; i < 100; i++) rl.take(`a${i}`, 0);
  assertEquals(rl.size, 100);
  rl.take("late", 5000);
  assertEquals(rl.size, 1);
});

Deno.test("memory stays bounded under a flood of distinct addresses that never refill", () => {
  const rl = new RateLimiter({ rate: 1, burst: 2 }, 1000);
  let most = 0;
  for (let i = 0; i < 20_000; i++) {
    rl.take(`flood-${i}`, 0);
    rl.take(`flood-${i}`, 0);
    most = Math.max(most, rl.size);
  }
  assert(most <= 1000, `${most} buckets`);
  // A recent address keeps its (empty) bucket: it is still limited.
  assert(!rl.take("flood-19999", 0));
});
