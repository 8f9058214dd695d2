import { assert, assertEquals } from "../testing.ts";
import { Rng } from "../rand.ts";
import { HISTORY_SEQS, type Playback, type PlaybackEvent } from "./playback.ts";
import { type Arrival, bytes, drive, feed, live, PERIOD, playback, ticks } from "./test_helpers.ts";

/** A rough network: loss, jitter, stragglers, a few faster-than-ever blocks, auth seqs. */
function rough(seed: number, blocks: number): Arrival[] {
  const rng = new Rng(seed);
  const out: Arrival[] = [];
  for (let seq = 0; seq < blocks; seq++) {
    const roll = rng.next();
    if (seq % 13 === 12) out.push({ ...live(seq, rng.range(0, 200)), nonMedia: true });
    else if (roll < 0.01) continue; // lost
    else if (roll < 0.02) out.push(live(seq, -rng.range(0, 15))); // faster than ever
    else if (roll < 0.10) {
      out.push(live(seq, rng.chance(0.5) ? rng.range(0, 1800) : rng.range(2500, 4000)));
    } else out.push(live(seq, rng.range(0, 60)));
  }
  return out;
}

/** A discrete-event driver: advance exactly at each nextDeadline() before the next arrival. */
function eventDriven(pb: Playback, arrivals: readonly Arrival[], end: number): PlaybackEvent[] {
  const list = [...arrivals].sort((a, b) => a.at - b.at);
  const out: PlaybackEvent[] = [];
  let i = 0, idle = 0;
  for (;;) {
    const next = pb.nextDeadline();
    const arrival = i < list.length ? list[i].at : Infinity;
    if (next !== undefined && next < arrival && next <= end) {
      const es = pb.advance(next);
      idle = es.length === 0 ? idle + 1 : 0;
      assert(idle < 3, `nextDeadline ${next} keeps promising work that never comes`);
      out.push(...es);
      continue;
    }
    if (i >= list.length) break;
    const a = list[i++];
    if (a.nonMedia) pb.skipNonMedia(a.seq, a.at);
    else pb.add(a.at, a.seq, a.seq * PERIOD, bytes(a.seq));
  }
  out.push(...pb.advance(end));
  return out;
}

Deno.test("events do not depend on when advance() is called", () => {
  for (const mode of ["skip", "freeze"] as const) {
    const arrivals = rough(mode === "skip" ? 11 : 12, 1200);
    const end = 140000;
    const once = drive(playback({ mode }), arrivals, [], end);
    const tick50 = drive(playback({ mode }), arrivals, ticks(0, end, 50), end);
    const tick7 = drive(playback({ mode }), arrivals, ticks(0, end, 7.3), end);
    const exact = eventDriven(playback({ mode }), arrivals, end);
    assertEquals(tick50, once);
    assertEquals(tick7, once);
    assertEquals(exact, once);
    // The scenario exercises what could differ: drift, losses and late blocks.
    const kinds = new Set(once.map((e) => e.type));
    assert(kinds.has("play") && kinds.has("skip"));
    if (mode === "freeze") {
      const ms = once.flatMap((e) => e.type === "freeze" ? [e.ms] : []);
      assert(ms.some((m) => m < 400) && ms.some((m) => m === 400), "both freeze outcomes");
    }
    const ats = once.map((e) => e.at);
    for (let k = 1; k < ats.length; k++) assert(ats[k] >= ats[k - 1], "events in time order");
    assert(ats.some((t) => !Number.isInteger(t)), "rate control moved deadlines off the grid");
  }
});

Deno.test("quality counts skips within the window only", () => {
  const pb = playback({ toleranceMs: 5000 }); // flat: block i due at 8020 + 100 i
  const arrivals = feed(0, 300, [20, 150]);
  drive(pb, arrivals.filter((a) => a.at <= 10200), [], 10200);
  assertEquals(pb.quality(10200), { skips: 1, freezes: 0 }); // seq 20 skipped at 10120
  drive(pb, arrivals.filter((a) => a.at > 10200 && a.at <= 20119), [], 20119);
  assertEquals(pb.quality(20119), { skips: 1, freezes: 0 });
  pb.advance(20120);
  assertEquals(pb.quality(20120), { skips: 0, freezes: 0 }, "10 s later it has left");
  drive(pb, arrivals.filter((a) => a.at > 20119 && a.at <= 23200), [], 23200);
  assertEquals(pb.quality(23200), { skips: 1, freezes: 0 }); // seq 150 at 23120
});

Deno.test("quality counts freezes in freeze mode", () => {
  const pb = playback({ toleranceMs: 5000, mode: "freeze" });
  drive(pb, feed(0, 100, [20, 40, 41]), [], 20000);
  assertEquals(pb.quality(20000), { skips: 3, freezes: 2 });
});

Deno.test("memory stays bounded over 100k blocks", () => {
  const pb = playback();
  let plays = 0, skips = 0, most = 0, mostMarks = 0, mostLog = 0;
  const last = 100_000;
  for (let seq = 0; seq < last; seq++) {
    const a = live(seq);
    if (seq % 13 === 12) pb.skipNonMedia(seq, a.at);
    else if (seq % 97 !== 50) pb.add(a.at, seq, seq * PERIOD, bytes(seq));
    for (const e of pb.advance(a.at)) {
      if (e.type === "play") plays++;
      if (e.type === "skip") skips++;
    }
    const m = pb.memory();
    most = Math.max(most, m.buffered);
    mostMarks = Math.max(mostMarks, m.marks);
    mostLog = Math.max(mostLog, m.qualityLog);
  }
  assert(most <= 40, `buffered up to ${most}`);
  assert(mostMarks <= 4, `marks up to ${mostMarks}`);
  assert(mostLog <= 5, `quality log up to ${mostLog}`);
  assertEquals(pb.memory().pending, 0);
  assert(plays > 90_000 && skips > 900, `${plays} plays, ${skips} skips`);
  const played = pb.cursor! - 5;
  assert(pb.has(played), "recently played is remembered");
  assert(!pb.has(played - HISTORY_SEQS - 13), "long ago is forgotten");
});
