import { assert, assertEquals } from "../lib/testing.ts";
import { TrackerDesk } from "./tracker_desk.ts";

Deno.test("the tracker answers a round trip later, in order of arrival, ties by node", () => {
  const a = new TrackerDesk(12, 9, 100), b = new TrackerDesk(12, 9, 100);
  const reqs = [
    { at: 5, node: 3, op: "join" as const },
    { at: 1, node: 2, op: "join" as const },
    { at: 5, node: 1, op: "join" as const },
  ];
  const ra = a.handle(reqs), rb = b.handle([...reqs].reverse());
  assertEquals(ra, rb, "the order they were handed in does not matter");
  assertEquals(ra.map((r) => [r.node, r.at]), [[2, 101], [1, 105], [3, 105]]);
  assertEquals(ra.map((r) => r.peers.map((p) => p.addr)), [[], ["n2"], ["n2", "n1"]]);
  assert(ra.every((r) => r.clubs!.length === 2 && r.clubs![0] !== r.clubs![1]));
  assert(ra[0].tie < ra[1].tie && ra[1].tie < ra[2].tie && ra[2].tie < -1);
});

Deno.test("a removed peer is no longer listed; an announce gets a list without clubs", () => {
  const d = new TrackerDesk(4, 1, 60);
  d.handle([{ at: 0, node: 1, op: "join" }, { at: 0, node: 2, op: "join" }]);
  d.handle([{ at: 10, node: 1, op: "remove" }]);
  const [r] = d.handle([{ at: 20, node: 3, op: "announce" }]);
  assertEquals(r.clubs, undefined);
  assertEquals(r.peers.map((p) => p.addr), ["n2"]);
  assertEquals(r.at, 80);
});
