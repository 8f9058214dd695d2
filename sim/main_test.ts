import { assert, assertEquals, assertNotEquals, assertThrows } from "../lib/testing.ts";
import { offersConfig, parseSimArgs, simulate } from "./main.ts";
import { SMALL_SWARM as small, withoutWall } from "./test_helpers.ts";

Deno.test("the same seed replays the same run exactly; another seed does not", () => {
  const a = withoutWall(simulate(small));
  const b = withoutWall(simulate(small));
  assertEquals(a, b);
  const c = withoutWall(simulate({ ...small, seed: 6 }));
  assertNotEquals(a, c);
});

Deno.test("the report carries every metric, measured", () => {
  const r = simulate(small) as Record<string, number & Record<string, number>>;
  for (
    const k of [
      "seed",
      "peers",
      "seconds",
      "bitrateKbps",
      "clubs",
      "delivery",
      "duplicateRatio",
      "controlOverhead",
      "sourceUploadRatio",
      "wallSeconds",
    ]
  ) assert(typeof r[k] === "number", `${k} is a number`);
  for (const q of ["p50", "p99"]) assert(r.startupMs[q] > 0, `startupMs.${q}`);
  for (const q of ["p50", "p90", "p99", "max"]) assert(r.latencyMs[q] > 0, `latencyMs.${q}`);
  // A small swarm with room to spare gets the stream; the source sends about two copies.
  assert(r.delivery > 0.8, `delivery ${r.delivery}`);
  assert(r.sourceUploadRatio > 1.5 && r.sourceUploadRatio < 2.5, `source ${r.sourceUploadRatio}`);
  assert(r.played > 0 && r.events > 0);
  // What the source's upload is made of: its pushed blocks, by type and by send class.
  const src = r as unknown as {
    sourceBytesByType: Record<string, number>;
    sourceCounts: { blocksSent: Record<string, number> };
  };
  assert(src.sourceBytesByType.block > 0, JSON.stringify(src.sourceBytesByType));
  assert(src.sourceCounts.blocksSent.out > 0, JSON.stringify(src.sourceCounts));
  assertEquals(src.sourceCounts.blocksSent.in, 0, "the source relays nothing in-club");
});

Deno.test("loss is measured, not assumed: a lossier network delivers no better", () => {
  const clean = simulate({ ...small, loss: 0 }) as Record<string, number>;
  const lossy = simulate({ ...small, loss: 0.2 }) as Record<string, number>;
  assert(lossy.delivery <= clean.delivery, `${lossy.delivery} vs ${clean.delivery}`);
  assert(lossy.repairAsked > clean.repairAsked);
});

Deno.test("command-line flags are parsed and bad ones refused", () => {
  const p = parseSimArgs(["--peers", "500", "--seconds", "30", "--seed", "1", "--json"]);
  assert(p !== "help");
  assertEquals([p.opts.peers, p.opts.seconds, p.opts.seed, p.json], [500, 30, 1, true]);
  assertEquals(parseSimArgs(["--help"]), "help");
  assertThrows(() => parseSimArgs(["--peers", "zero"]));
  assertThrows(() => parseSimArgs(["--loss", "1.5"]));
  assertThrows(() => parseSimArgs(["--bogus"]));
});

Deno.test("--offers sets what the peers offer: data by default, all, none; others are refused", () => {
  const cfg = (args: string[]) => {
    const p = parseSimArgs(args);
    assert(p !== "help");
    return p.opts.config ?? {};
  };
  assertEquals(cfg([]), {});
  assertEquals(cfg(["--offers", "data"]), { offerSignatures: false });
  assertEquals(cfg(["--offers", "all"]), { offerSignatures: true });
  assertEquals(cfg(["--offers", "none"]), { offerHoldMs: 0 });
  assertThrows(() => parseSimArgs(["--offers", "some"]));
  // They change what the peers send: with none, no offer goes out; by default some do.
  const none = simulate({ ...small, config: offersConfig("none") }, { offers: "none" });
  const data = simulate(small) as { controlBytesByType: Record<string, number> };
  assertEquals((none as typeof data).controlBytesByType.offer ?? 0, 0);
  assert((data.controlBytesByType.offer ?? 0) > 0, "offers sent by default");
  assertEquals((none as Record<string, unknown>).offers, "none");
});

Deno.test("--design picks how the stream spreads; unknown designs are refused", () => {
  const p = parseSimArgs(["--design", "flood"]);
  assert(p !== "help");
  assertEquals(p.opts.design?.name, "flood");
  const d = parseSimArgs([]);
  assert(d !== "help" && d.opts.design === undefined, "the club protocol by default");
  assertThrows(() => parseSimArgs(["--design", "gossip"]));
  assertThrows(() => parseSimArgs(["--design", "flood", "--malicious", "0.1"]));
});

Deno.test("--series adds delivery and duplicates per second and the latency CDF; churn adds survivors' delivery", () => {
  const args = [
    "--scenario",
    "churn",
    "--series",
    "--peers",
    "20",
    "--seconds",
    "7",
    "--warmup",
    "2",
  ];
  const p = parseSimArgs(args);
  assert(p !== "help");
  const r = simulate({ ...p.opts, joinSpreadMs: 1000 }, p.labels) as Record<
    string,
    unknown
  >;
  assertEquals(r.scenario, "churn");
  assert(typeof r.deliveryAfterFailure === "number");
  const s = r.series as { delivery: number[]; survivorDelivery: number[]; duplicates: number[] };
  assertEquals(s.delivery.length, 7);
  assertEquals(s.survivorDelivery.length, 7);
  assert(s.duplicates.length >= 7, `${s.duplicates.length} seconds of duplicates`);
  assert(s.duplicates.slice(0, 7).every((d) => d !== null && d >= 0 && d < 1), `${s.duplicates}`);
  const cdf = r.latencyCdf as [number, number][];
  assertEquals(cdf.length, 101);
  for (let i = 1; i < cdf.length; i++) assert(cdf[i][1] >= cdf[i - 1][1], "a CDF never falls");
});
