import { assertEquals } from "../testing.ts";
import { MAX_SEQS } from "../wire/budget.ts";
import type { DownConn } from "./conns.ts";
import { HaveBatch } from "./have_batch.ts";

/** Only identity matters to the batch: stand-in connections. */
const conn = (name: string) => ({ remote: name }) as unknown as DownConn;

function taken(b: HaveBatch): string[] {
  const out: string[] = [];
  b.takeAll((d, seqs) => out.push(`${d.remote}:${seqs.join(",")}`));
  return out;
}

Deno.test("seqs gathered per connection are taken together, in the order each began", () => {
  const b = new HaveBatch();
  const x = conn("x"), y = conn("y");
  assertEquals(b.size, 0);
  b.add(y, 4);
  b.add(x, 3);
  b.add(x, 6);
  assertEquals(b.size, 2);
  assertEquals(taken(b), ["y:4", "x:3,6"]);
  assertEquals(b.size, 0);
  assertEquals(taken(b), []);
  b.add(x, 9);
  assertEquals(taken(b), ["x:9"], "a new gathering after a take");
});

Deno.test("a connection's seqs are handed back at once when they fill a datagram", () => {
  const b = new HaveBatch();
  const x = conn("x");
  for (let s = 0; s < MAX_SEQS - 1; s++) assertEquals(b.add(x, s), undefined);
  assertEquals(b.add(x, MAX_SEQS - 1)?.length, MAX_SEQS);
  assertEquals(b.size, 0);
});

Deno.test("gatherings handed back full leave no slots behind, and the order holds after", () => {
  const b = new HaveBatch();
  const x = conn("x"), y = conn("y");
  for (let round = 0; round < 5; round++) {
    for (let s = 0; s < MAX_SEQS; s++) b.add(x, s);
    assertEquals(b.size, 0);
  }
  b.add(y, 1);
  b.add(x, 2);
  for (let s = 0; s < MAX_SEQS - 1; s++) b.add(y, s); // y fills and is handed back
  b.add(y, 7); // y again, now after x
  assertEquals(taken(b), ["x:2", "y:7"]);
});
