import { assert, assertEquals, assertThrows } from "../../lib/testing.ts";
import { MALICIOUS_KINDS } from "./node.ts";
import { parseKinds, pickMalicious } from "./pick.ts";

Deno.test("pick: round(share x peers) peers, split evenly over the kinds, from the seed", () => {
  const m = pickMalicious(200, 0.1, MALICIOUS_KINDS, 1);
  assertEquals(m.size, 20);
  const per = (k: string) => [...m.values()].filter((v) => v === k).length;
  assertEquals([per("forger"), per("junk"), per("freerider")], [7, 7, 6]);
  for (const i of m.keys()) assert(i >= 1 && i <= 200, "peers only, never the source (0)");
  assertEquals([...pickMalicious(200, 0.1, MALICIOUS_KINDS, 1)], [...m], "same seed, same pick");
  const other = pickMalicious(200, 0.1, MALICIOUS_KINDS, 2);
  assert([...other.keys()].join() !== [...m.keys()].join(), "another seed, another pick");
  assertEquals(pickMalicious(200, 0, MALICIOUS_KINDS, 1).size, 0);
  assertEquals(pickMalicious(10, 1, ["junk"], 1).size, 10);
  assertThrows(() => pickMalicious(10, 1.5, MALICIOUS_KINDS, 1), RangeError);
  assertThrows(() => pickMalicious(10, 0.5, [], 1), RangeError);
});

Deno.test("pick: --malicious-kinds lists are parsed, unknown kinds refused", () => {
  assertEquals(parseKinds("forger"), ["forger"]);
  assertEquals(parseKinds("junk, forger,junk"), ["junk", "forger"]);
  assertThrows(() => parseKinds("forger,liar"), Error);
  assertThrows(() => parseKinds(" , "), Error);
});
