import { Rng } from "../lib/rand.ts";
import { assert, assertEquals } from "../lib/testing.ts";
import { distanceKm, placeLatency, placeNode, REGIONS } from "./regions.ts";

Deno.test("distances between hubs are the known great-circle ones", () => {
  // A node exactly at a hub.
  const at = (r: number) => {
    const g = REGIONS[r], lat = g.lat * Math.PI / 180, lon = g.lon * Math.PI / 180;
    const p = { x: Math.cos(lat) * Math.cos(lon), y: Math.cos(lat) * Math.sin(lon) };
    return { region: r, ...p, z: Math.sin(lat), accessMs: 0 };
  };
  const fraNyc = distanceKm(at(0), at(1));
  assert(Math.abs(fraNyc - 6200) < 60, `Frankfurt-New York ${fraNyc} km`);
  const fraSyd = distanceKm(at(0), at(6));
  assert(Math.abs(fraSyd - 16_480) < 150, `Frankfurt-Sydney ${fraSyd} km`);
  assert(
    Math.abs(placeLatency(at(0), at(1)) - 6200 * 2.1 / 200) < 1,
    "2.1 x distance at 200 km/ms",
  );
});

Deno.test("nodes land near their hub, in regions by share, with their access delay", () => {
  const rng = new Rng(4);
  const counts = new Array(REGIONS.length).fill(0);
  let sameRegionMax = 0;
  const hub = placeNode(new Rng(1), 3, 0);
  for (let i = 0; i < 20_000; i++) {
    const p = placeNode(rng, i % 2 ? 0.5 : 3);
    counts[p.region]++;
    if (p.region === 0) sameRegionMax = Math.max(sameRegionMax, distanceKm(p, hub));
    assert(p.accessMs >= (i % 2 ? 19 * 0.8 : 6.5 * 0.8) && p.accessMs <= (i % 2 ? 19 : 6.5) * 1.2);
  }
  assert(sameRegionMax < 2000 && sameRegionMax > 1000, `spread ${sameRegionMax}`);
  REGIONS.forEach((g, r) => {
    assert(Math.abs(counts[r] / 20_000 - g.share) < 0.015, `${g.name} ${counts[r]}`);
  });
  assertEquals(placeNode(new Rng(9), 1.5), placeNode(new Rng(9), 1.5), "seeded");
});
