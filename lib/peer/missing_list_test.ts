import { assertEquals } from "../testing.ts";
import { Rng } from "../rand.ts";
import { MissingList } from "./missing_list.ts";

/** The seqs present, in slot order. */
function seqs(l: MissingList): number[] {
  const out: number[] = [];
  for (let i = 0; i < l.slots; i++) if (l.present(i)) out.push(l.seqAt(i));
  return out;
}

Deno.test("MissingList keeps the order seqs were added in, across removals and compaction", () => {
  const l = new MissingList();
  for (const s of [7, 3, 11, 5]) l.add(s, s * 10, s === 11);
  l.remove(3);
  l.remove(99); // absent: nothing
  assertEquals(seqs(l), [7, 11, 5]);
  assertEquals(l.size, 3);
  l.add(3, 1, false); // back, at the end, as a Map's set after delete
  l.compact();
  assertEquals(seqs(l), [7, 11, 5, 3]);
  assertEquals(l.slots, 4);
  const i = seqs(l).indexOf(11);
  assertEquals([l.sinceAt(i), l.lostAt(i), l.triesAt(i), l.askedAtOf(i)], [
    110,
    true,
    0,
    -Infinity,
  ]);
  l.asked(i, 500);
  l.asked(i, 700);
  assertEquals([l.triesAt(i), l.askedAtOf(i)], [2, 700]);
});

Deno.test("MissingList finds seqs that share their low bits (the ring grows)", () => {
  const l = new MissingList();
  const many = [5, 5 + 256, 5 + 512, 5 + 4096, 5 + 2 ** 40];
  for (const s of many) l.add(s, 0, false);
  l.remove(5 + 512);
  l.remove(5 + 2 ** 40);
  assertEquals(seqs(l), [5, 5 + 256, 5 + 4096]);
  l.remove(5);
  l.remove(5 + 4096);
  l.remove(5 + 256);
  assertEquals([l.size, seqs(l)], [0, []]);
});

Deno.test("MissingList answers as a Map of records would, over random adds and removals", () => {
  const rng = new Rng(7);
  const l = new MissingList();
  const model = new Map<number, number>(); // seq -> since
  for (let step = 0; step < 20_000; step++) {
    const seq = rng.int(3000);
    if (rng.next() < 0.55) {
      if (!model.has(seq)) {
        model.set(seq, step);
        l.add(seq, step, false);
      }
    } else {
      model.delete(seq);
      l.remove(seq);
    }
    if (step % 997 === 0) l.compact();
    if (step % 500 === 0) {
      assertEquals(seqs(l), [...model.keys()]);
      assertEquals(l.size, model.size);
    }
  }
  const since: number[] = [];
  for (let i = 0; i < l.slots; i++) if (l.present(i)) since.push(l.sinceAt(i));
  assertEquals(since, [...model.values()]);
});
