import { assertEquals } from "../testing.ts";
import { CatchUpFeed } from "./catch_up.ts";
import type { UpConn } from "./conns.ts";

const conn = (open = true) => ({ open }) as UpConn;

Deno.test("catch-up feed: a bounded number of blocks per call, oldest first, fractions carried", () => {
  const feed = new CatchUpFeed();
  const a = conn();
  feed.add(a, [10, 22, 34, 46, 58]);
  const sent: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const now: number[] = [];
    feed.feed(1.5, (_c, s) => now.push(s));
    sent.push(now);
  }
  assertEquals(sent, [[10], [22, 34], [46], [58]]);
  assertEquals(feed.size, 0, "a finished history is forgotten");
});

Deno.test("catch-up feed: each connection has its own pace; a closed one is dropped", () => {
  const feed = new CatchUpFeed();
  const a = conn(), b = conn();
  feed.add(a, [1, 2, 3]);
  feed.add(b, [5, 6, 7]);
  const got: [UpConn, number][] = [];
  feed.feed(1, (c, s) => got.push([c, s]));
  assertEquals(got, [[a, 1], [b, 5]]);
  b.open = false;
  feed.feed(1, (c, s) => got.push([c, s]));
  assertEquals(got.slice(2), [[a, 2]]);
  assertEquals(feed.size, 1);
});
