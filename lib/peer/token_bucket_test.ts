import { assert, assertEquals } from "../testing.ts";
import { TokenBucket } from "./token_bucket.ts";

Deno.test("a bucket allows its burst, then its rate", () => {
  const b = new TokenBucket(10, 3, 0);
  const got = [b.take(0), b.take(0), b.take(0), b.take(0)];
  assertEquals(got, [true, true, true, false]);
  assertEquals(b.take(50), false, "half a token after 50 ms");
  assertEquals(b.take(100), true, "one token after 100 ms");
  let n = 0;
  for (let t = 100; t <= 10_100; t += 10) if (b.take(t)) n++;
  // 10 s at 10 per second; float accumulation may leave the last token a hair short.
  assert(n === 99 || n === 100, `took ${n}`);
});
