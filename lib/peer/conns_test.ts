import { assertEquals } from "../testing.ts";
import { connKey } from "./conns.ts";

Deno.test("connection keys: one per (remote, club), remembered or not, same text", () => {
  assertEquals(connKey("1.2.3.4:5", 3), "3|1.2.3.4:5");
  assertEquals(connKey("1.2.3.4:5", 3), connKey("1.2.3.4:5", 3));
  assertEquals(connKey("1.2.3.4:5", 4), "4|1.2.3.4:5");
  assertEquals(connKey("x", 0), "0|x");
  // Clubs outside the remembered range (or not clubs at all) still get their own key.
  for (const club of [255, 256, 70_000, -1, 2.5, NaN]) {
    assertEquals(connKey("x", club), `${club}|x`);
  }
  // Many remotes: the memo empties itself past its bound and keeps answering the same.
  for (let i = 0; i < 70_000; i++) assertEquals(connKey(`p${i}`, i % 12), `${i % 12}|p${i}`);
  assertEquals(connKey("p5", 5), "5|p5");
});
