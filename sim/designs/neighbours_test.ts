import { Rng } from "../../lib/rand.ts";
import { assert, assertEquals } from "../../lib/testing.ts";
import { MESH_DEFAULTS, Neighbours } from "./neighbours.ts";

const mesh = (want: number, max: number) =>
  new Neighbours({ ...MESH_DEFAULTS, want, max }, new Rng(1), "me");
const names = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);

Deno.test("a node asks known peers until links and open requests make `want`", () => {
  const m = mesh(4, 8);
  m.learn(["me", ...names(10)]);
  const { ask } = m.maintain(0);
  assertEquals(ask.length, 4);
  assertEquals(new Set(ask).size, 4);
  assert(!ask.includes("me"));
  assertEquals(m.maintain(10).ask, [], "requests still open");
  assert(m.accepted(20, ask[0]));
  assert(!m.accepted(20, "p-never-asked"), "an answer to no request is refused");
  assertEquals(m.maintain(2000).ask.length, 3, "the three unanswered asks expired");
});

Deno.test("offers are taken up to `max`, silent links die, dead peers wait to be asked again", () => {
  const m = mesh(1, 2);
  assert(m.offered(0, "a") && m.offered(0, "b"));
  assert(!m.offered(0, "c"), "full");
  m.heard(2500, "a");
  const r = m.maintain(3500);
  assertEquals(r.dead, ["b"]);
  assertEquals([...m.links.keys()], ["a"]);
  m.learn(["b"]);
  assertEquals(m.maintain(3600).ask, [], "b failed less than 30 s ago, a link is enough");
  m.refused(3700, "a");
  assertEquals(m.links.size, 0);
  assertEquals(m.maintain(40_000).ask, ["b"], "after retryMs b may be asked again");
});
