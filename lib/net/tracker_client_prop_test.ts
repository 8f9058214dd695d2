/**
 * Property tests of what a peer decodes from the network outside datagrams: the tracker's
 * announce reply (a hostile or broken tracker) and address strings (from "peers" answers and
 * tracker lists). Never a throw; whatever is accepted is within its rules.
 */
import fc from "fast-check";
import { assert, assertEquals } from "../testing.ts";
import { formatAddr, parseAddr } from "./addr.ts";
import { checkAnnounceReply } from "./tracker_client.ts";

const anything = fc.anything({ maxDepth: 3, withBoxedValues: true, withNullPrototype: true });
const int = fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.double(), anything);
const entry = fc.record(
  {
    peer: fc.string(),
    ip: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()),
    port: int,
    clubs: anything,
  },
  { requiredKeys: [] },
);
/** Replies shaped like the tracker's, each field sometimes wrong. */
const reply = fc.record({
  clubs: fc.oneof(fc.integer({ min: 0, max: 300 }), int),
  recommend: fc.oneof(fc.array(fc.integer({ min: -1, max: 300 }), { maxLength: 3 }), anything),
  peers: fc.oneof(fc.array(fc.oneof(entry, anything), { maxLength: 8 }), anything),
  interval: fc.oneof(fc.integer({ min: 0, max: 60 }), int),
  you: fc.oneof(fc.record({ ip: fc.oneof(fc.string(), anything) }), anything),
}, { requiredKeys: [] });

Deno.test("prop: checkAnnounceReply never throws; what it accepts keeps every rule", () => {
  fc.assert(
    fc.property(fc.oneof(reply, anything, fc.jsonValue()), (v) => {
      const r = checkAnnounceReply(v);
      if (r === undefined) return;
      assert(Number.isSafeInteger(r.clubs) && r.clubs >= 2);
      assert(Number.isSafeInteger(r.interval) && r.interval >= 1);
      const club = (c: number) => Number.isSafeInteger(c) && c >= 0 && c < r.clubs;
      if (r.recommend) assert(r.recommend.every(club) && r.recommend[0] !== r.recommend[1]);
      for (const p of r.peers) {
        assert(p.clubs.every(club));
        assert(/:[0-9]{1,5}$/.test(p.addr));
      }
      if (r.youIp !== undefined) assert(typeof r.youIp === "string" && r.youIp !== "");
    }),
    { numRuns: 3000 },
  );
});

Deno.test("prop: parseAddr never throws; an accepted address formats back to itself", () => {
  const hostPort = fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()), fc.nat(70000))
    .map(([h, p]) => (h.includes(":") ? `[${h}]:${p}` : `${h}:${p}`));
  const text = fc.oneof(hostPort, fc.string(), fc.string({ unit: "binary" }));
  fc.assert(
    fc.property(fc.oneof(text, anything), (v) => {
      const a = parseAddr(v);
      if (a === undefined) return;
      assert(a.port >= 1 && a.port <= 65535);
      const back = formatAddr(a.hostname, a.port);
      // The one rewrite: an IPv4-mapped IPv6 address names the IPv4 peer.
      if (!a.hostname.startsWith("::ffff:")) assertEquals(back, v);
      assertEquals(parseAddr(back)?.port, a.port);
    }),
    { numRuns: 1000 },
  );
});
