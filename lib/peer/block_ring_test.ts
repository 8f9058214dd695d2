import { assertEquals } from "../testing.ts";
import { BlockRing, type QueuedFields } from "./block_ring.ts";
import type { UpConn } from "./conns.ts";

const conn = (remote: string) => ({ remote }) as unknown as UpConn;

Deno.test("BlockRing: first in, first out, through growth, each block's fields intact", () => {
  const r = new BlockRing();
  const out: QueuedFields = { conn: undefined, to: "", seq: 0, at: 0, catchUp: false };
  const a = conn("a");
  let next = 0;
  // Interleave pushes and takes so the ring wraps and grows several times.
  for (let seq = 0; seq < 200; seq++) {
    r.push(seq % 3 === 0 ? undefined : a, `to${seq}`, seq, seq * 1.5, seq % 5 === 0);
    if (seq % 3 === 2) {
      assertEquals(r.takeInto(out), true);
      assertEquals(out, {
        conn: next % 3 === 0 ? undefined : a,
        to: `to${next}`,
        seq: next,
        at: next * 1.5,
        catchUp: next % 5 === 0,
      });
      next++;
    }
  }
  assertEquals(r.length, 200 - next);
  assertEquals(r.headAt(), next * 1.5);
  while (r.takeInto(out)) assertEquals(out.seq, next++);
  assertEquals(next, 200);
  assertEquals(r.length, 0);
  assertEquals(r.headAt(), NaN);
  assertEquals(r.takeInto(out), false, "empty: nothing taken");
  assertEquals(out.seq, 199, "and the last one left as it was");
});

Deno.test("BlockRing: moveHead passes the head on, its time moved by the hold", () => {
  const held = new BlockRing(), ready = new BlockRing();
  const c = conn("c");
  held.push(c, "c", 7, 100, false);
  held.push(c, "c", 8, 110, false);
  held.moveHead(ready, 250);
  assertEquals([held.length, ready.length, held.headAt(), ready.headAt()], [1, 1, 110, 350]);
  const out: QueuedFields = { conn: undefined, to: "", seq: 0, at: 0, catchUp: true };
  ready.takeInto(out);
  assertEquals(out, { conn: c, to: "c", seq: 7, at: 350, catchUp: false });
});
