import { assert, assertEquals } from "../../lib/testing.ts";
import { predictSeconds } from "./scale.ts";

const near = (a: number | undefined, b: number) => assert(Math.abs(a! - b) < 1e-9, `${a} vs ${b}`);

Deno.test("scale: a size's wall time is predicted from the sizes before it", () => {
  assertEquals(predictSeconds([], 1000), undefined);
  // One size: events grow with the peers, the cost of an event by the default power 0.45.
  near(predictSeconds([{ peers: 1000, events: 1e6, wallSeconds: 10 }], 3000), 30 * 3 ** 0.45);
  // Two sizes: the power is theirs (here each event cost twice as much at twice the peers).
  const two = [
    { peers: 1000, events: 1e6, wallSeconds: 10 },
    { peers: 2000, events: 2e6, wallSeconds: 40 },
  ];
  near(predictSeconds(two, 4000), 160);
  // A power outside 0..1 (noise on a shared machine) is clamped.
  const faster = [
    { peers: 1000, events: 1e6, wallSeconds: 10 },
    { peers: 2000, events: 2e6, wallSeconds: 15 },
  ];
  near(predictSeconds(faster, 4000), 30);
});
