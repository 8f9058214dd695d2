import { assert, assertEquals } from "../testing.ts";
import { Rng } from "../rand.ts";
import { RepairTracker } from "./repair.ts";

const opts = { clubs: 4, graceMs: 50, retryMs: 200, maxTries: 3, maxMissing: 100 };

Deno.test("a gap in one club's numbers becomes a want after the grace", () => {
  const r = new RepairTracker(opts);
  const held = new Set<number>([1]);
  r.arrived(0, 1, (s) => held.has(s), 0);
  r.arrived(10, 13, (s) => held.has(s), 0); // 5 and 9 of club 1 are missing
  assertEquals(r.missing, 2);
  assertEquals(r.due(40, 0), []);
  assertEquals(r.due(60, 0).map((d) => d.seq), [5, 9]);
  assertEquals(r.due(100, 0), [], "not again before retryMs");
  r.arrived(120, 5, (s) => held.has(s), 0);
  assertEquals(r.due(300, 0).map((d) => [d.seq, d.tries]), [[9, 1]]);
});

Deno.test("holes shown by a block that runs ahead of its club are asked lateMs later", () => {
  const r = new RepairTracker(opts);
  const held = (s: number) => s === 1;
  r.arrived(0, 1, held, 0);
  r.arrived(10, 13, held, 0, 0, 300); // 5 and 9 of club 1 are missing, asked late
  assertEquals(r.missing, 2);
  assertEquals(r.due(60, 0), [], "not after the grace alone");
  assertEquals(r.due(355, 0), []);
  assertEquals(r.due(360, 0).map((d) => d.seq), [5, 9]);
  const lost = new RepairTracker(opts);
  lost.arrived(0, 1, held, 0);
  lost.arrived(10, 13, held, 0, 2, 300);
  assertEquals(lost.due(10, 0).map((d) => d.seq), [5, 9], "a loss is asked at once all the same");
});

Deno.test("hasten brings hastenable holes of a club sooner, once, and only those not asked", () => {
  const r = new RepairTracker(opts);
  const held = (s: number) => s === 1 || s === 2;
  r.arrived(0, 1, held, 0);
  r.arrived(0, 2, held, 0);
  r.arrived(10, 13, held, 0, 0, 300, true); // club 1: 5 and 9 hastenable, due at 360
  r.arrived(10, 14, held, 0); // club 2: 6 and 10, due at 60
  r.arrived(10, 17, held, 0, 0, 300); // club 1: 13 is held (arrived), none new
  assertEquals(r.due(60, 0).map((d) => d.seq), [6, 10]);
  r.hasten(1, 200, 13); // 5 and 9 now due at 160
  assertEquals(r.due(155, 0), []);
  assertEquals(r.due(160, 0).map((d) => d.seq), [5, 9]);
  // Once only: a second call changes nothing, and asked ones are left alone.
  const again = new RepairTracker(opts);
  again.arrived(0, 1, held, 0);
  again.arrived(10, 13, held, 0, 0, 300, true);
  again.hasten(1, 200, 13);
  again.hasten(1, 200, 13);
  assertEquals(again.due(155, 0), [], "not hastened twice");
  assertEquals(again.due(160, 0).map((d) => d.seq), [5, 9]);
  // Without `below`, past the club's newest number; holes not marked hastenable stay put.
  const plain = new RepairTracker(opts);
  plain.arrived(0, 1, held, 0);
  plain.arrived(10, 13, held, 0, 0, 300, false);
  plain.hasten(1, 200);
  assertEquals(plain.due(355, 0), [], "not hastenable");
  const link = new RepairTracker(opts);
  link.arrived(0, 1, held, 0);
  link.arrived(10, 13, held, 0, 0, 300, true);
  link.hasten(1, 200);
  assertEquals(link.due(160, 0).map((d) => d.seq), [5, 9], "the link is gone");
});

Deno.test("a gap of k datagrams makes the club's k newest absent numbers lost, not the older", () => {
  const r = new RepairTracker(opts);
  const held = (s: number) => s === 1 || s === 9;
  r.arrived(0, 1, held, 0);
  // 5, 13 and 17 of club 1 are absent (9 is held); one datagram was skipped just before 21.
  r.arrived(10, 21, held, 0, 1);
  assertEquals(r.missing, 3);
  assertEquals(r.due(10, 0).map((d) => [d.seq, d.lost]), [[17, true]], "17 was on it");
  assertEquals(r.due(60, 0).map((d) => [d.seq, d.lost]), [[5, false], [13, false]], "late");
  const two = new RepairTracker(opts);
  two.arrived(0, 1, held, 0);
  two.arrived(10, 21, held, 0, 2);
  assertEquals(two.due(10, 0).map((d) => d.seq), [13, 17], "a held number is not counted");
});

Deno.test("gives up after maxTries and below the playable floor", () => {
  const r = new RepairTracker(opts);
  r.arrived(0, 0, () => false, 0);
  r.arrived(0, 8, () => false, 0); // 4 missing
  r.arrived(0, 2, () => false, 0);
  r.arrived(0, 10, () => false, 0); // 6 missing
  let asked = 0;
  for (let t = 100; t < 2000; t += 100) asked += r.due(t, 0).filter((d) => d.seq === 4).length;
  assertEquals(asked, 3);
  assertEquals(r.isMissing(6), false, "6 was asked 3 times too");
  assertEquals(r.abandoned, 2);
  const r2 = new RepairTracker(opts);
  r2.arrived(0, 0, () => false, 0);
  r2.arrived(0, 8, () => false, 0);
  assertEquals(r2.due(100, 5), [], "4 is below the floor");
  assertEquals(r2.missing, 0);
});

Deno.test("blocks already held or reordered late are not wanted", () => {
  const r = new RepairTracker(opts);
  r.arrived(0, 3, () => false, 0);
  r.arrived(0, 11, (s) => s === 7, 0);
  assertEquals(r.missing, 0);
  r.arrived(0, 3, () => true, 0); // an old one again: no change
  assertEquals(r.missing, 0);
});

Deno.test("overdue: absent seqs up to the limit, of any club, are due at once, and only once", () => {
  const r = new RepairTracker(opts);
  const held = new Set([0, 1, 2, 4, 5, 7]);
  r.overdue(100, 7, (s) => held.has(s), 1);
  assertEquals(r.due(100, 1).map((d) => [d.seq, d.lost]), [[3, false], [6, false]]);
  r.overdue(150, 7, (s) => held.has(s), 1); // swept already: nothing new
  assertEquals(r.missing, 2);
  r.overdue(160, 9, (s) => held.has(s), 1);
  assertEquals(r.due(160, 1).map((d) => d.seq), [8, 9], "only the newly swept ones are new");
  r.arrived(170, 3, (s) => held.has(s), 1);
  assertEquals(r.isMissing(3), false, "a block that came is no longer missing");
});

Deno.test("overdueClub: one club's absent seqs up to the limit are due at once, each once", () => {
  const r = new RepairTracker(opts);
  const held = new Set([0, 4]);
  r.overdueClub(100, 13, 1, (s) => held.has(s), 2);
  assertEquals(r.due(100, 2).map((d) => [d.seq, d.lost]), [[5, false], [9, false], [13, false]]);
  r.overdueClub(120, 13, 1, (s) => held.has(s), 2);
  assertEquals(r.missing, 3, "swept already: nothing new");
  r.overdueClub(130, 13, 0, (s) => held.has(s), 2);
  assertEquals(r.due(130, 2).map((d) => d.seq), [8, 12], "club 0 from the floor on, 4 held");
  r.overdue(140, 13, (s) => held.has(s), 2);
  assertEquals(r.due(140, 2).map((d) => d.seq), [2, 3, 6, 7, 10, 11], "the others' clubs");
  r.overdueClub(150, 17, 1, (s) => held.has(s), 2);
  assertEquals(r.due(150, 2).map((d) => d.seq), [17], "above what any sweep saw");
  r.overdueClub(160, 5, 9, () => false, 0);
  assertEquals(r.missing, 12, "a club out of range is ignored");
});

Deno.test("overdue: a peer that fell far behind sweeps only the newest seqs", () => {
  const r = new RepairTracker({ ...opts, maxMissing: 5000 });
  r.overdue(0, 100_000, () => false, 0);
  assert(r.missing <= 1025, `${r.missing} tracked`);
  assert(r.isMissing(100_000) && !r.isMissing(50_000));
});

Deno.test("a counter gap on a link that carries every block makes the hole due at once", () => {
  const r = new RepairTracker(opts);
  r.arrived(0, 1, () => false, 0);
  r.arrived(10, 9, () => false, 0, 1); // 5 lost on the link
  assertEquals(r.due(10, 0).map((d) => d.seq), [5]);
});

Deno.test("lostBetween: a club's absent numbers between two in-order blocks are due at once", () => {
  const r = new RepairTracker(opts);
  r.arrived(0, 40, () => false, 0); // the live top is far above the history
  r.lostBetween(5, 4, 16, (s) => s === 8, 0); // 8 held, 12 lost
  assertEquals(r.due(5, 0).map((d) => d.seq), [12]);
  assertEquals(r.due(5, 0).map((d) => d.seq), [], "asked once, then after the retry wait");
  r.lostBetween(6, 16, 20, () => false, 0); // next in order: nothing skipped
  r.lostBetween(7, 20, 36, () => false, 29); // 24 and 28 below the floor: not wanted
  assertEquals(r.due(7, 29).map((d) => d.seq), [32]);
});

/** The tracker as first written (a Map walked on every `due`): the answers to match. */
class ModelTracker {
  readonly top = new Map<number, number>();
  readonly missing = new Map<
    number,
    { since: number; lost: boolean; askedAt: number; tries: number }
  >();
  constructor(readonly o: typeof opts) {}
  arrived(now: number, seq: number, held: (s: number) => boolean, floor: number, lost: number) {
    this.missing.delete(seq);
    const club = seq % this.o.clubs;
    const top = this.top.get(club);
    if (top !== undefined && seq <= top) return;
    this.top.set(club, seq);
    if (top === undefined) return;
    const from = Math.max(top + this.o.clubs, floor - ((floor - club) % this.o.clubs));
    const absent: number[] = [];
    for (let s = from; s < seq; s += this.o.clubs) {
      if (!(s < floor || held(s) || this.missing.has(s))) absent.push(s);
    }
    const lostSet = new Set(lost > 0 ? absent.slice(-lost) : []);
    for (const s of absent) {
      if (this.missing.size >= this.o.maxMissing) break;
      this.missing.set(s, {
        since: lostSet.has(s) ? now - this.o.graceMs : now,
        lost: lostSet.has(s),
        askedAt: -Infinity,
        tries: 0,
      });
    }
  }
  due(now: number, floor: number): { seq: number; tries: number; lost: boolean }[] {
    const out = [];
    for (const [seq, m] of this.missing) {
      if (seq < floor || m.tries >= this.o.maxTries) {
        if (m.tries >= this.o.maxTries && now - m.askedAt < this.o.retryMs) continue;
        this.missing.delete(seq);
        continue;
      }
      if (now - m.since < this.o.graceMs || now - m.askedAt < this.o.retryMs) continue;
      out.push({ seq, tries: m.tries, lost: m.lost });
      m.tries++;
      m.askedAt = now;
    }
    return out;
  }
}

Deno.test("skipping idle passes changes no answer: random arrivals, floors and ticks", () => {
  for (const seed of [1, 2, 3]) {
    const o = { clubs: 5, graceMs: 50, retryMs: 120, maxTries: 3, maxMissing: 40 };
    const r = new RepairTracker(o), m = new ModelTracker(o);
    const rng = new Rng(seed);
    const held = new Set<number>();
    let now = 0, floor = 0, top = 0;
    for (let k = 0; k < 20_000; k++) {
      now += rng.chance(0.5) ? 0 : rng.range(0, 30);
      if (rng.chance(0.7)) {
        // Mostly in order, some late, some lost for good.
        top += 1;
        const seq = rng.chance(0.2) ? Math.max(0, top - rng.int(40)) : top;
        if (rng.chance(0.05)) continue;
        const lost = rng.chance(0.1) ? 1 + rng.int(3) : 0;
        r.arrived(now, seq, (s) => held.has(s), floor, lost);
        m.arrived(now, seq, (s) => held.has(s), floor, lost);
        held.add(seq);
      } else {
        if (rng.chance(0.2)) floor = Math.max(floor, top - 30 - rng.int(30));
        assertEquals(r.due(now, floor), m.due(now, floor));
      }
      assertEquals(r.missing, m.missing.size);
    }
  }
});

Deno.test("askedNow: a seq asked outside `due` is tracked as asked once, retried after retryMs", () => {
  const r = new RepairTracker(opts);
  const held = (s: number) => s === 1;
  r.arrived(0, 1, held, 0);
  r.askedNow(10, 9, 0); // offered before any block showed it missing
  assert(r.isMissing(9));
  r.arrived(20, 13, held, 0); // shows 5 and 9 missing: 9 is already tracked
  assertEquals(r.due(80, 0).map((d) => d.seq), [5], "9 was asked at 10, not due again yet");
  assertEquals(r.due(210, 0).map((d) => [d.seq, d.tries]), [[9, 1]], "retried after retryMs");
  // A hole already shown and not yet asked becomes asked; one already asked stays as it was.
  const s = new RepairTracker(opts);
  s.arrived(0, 1, held, 0);
  s.arrived(10, 13, held, 0); // 5 and 9 missing, due at 60
  s.askedNow(20, 5, 0);
  assertEquals(s.due(60, 0).map((d) => d.seq), [9]);
  s.askedNow(70, 9, 0); // asked by `due` at 60: left alone
  assertEquals(s.due(230, 0).map((d) => [d.seq, d.tries]), [[5, 1]]);
  assertEquals(s.due(260, 0).map((d) => [d.seq, d.tries]), [[9, 1]]);
  // Nothing below the floor, and the block's arrival forgets it.
  s.askedNow(300, 3, 4);
  assert(!s.isMissing(3));
  s.askedNow(300, 21, 0);
  s.arrived(310, 21, held, 0);
  assert(!s.isMissing(21));
});
