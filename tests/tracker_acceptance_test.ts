/**
 * Issue 3's acceptance list through `app.request()` against a `:memory:` KV with a 1 s
 * heartbeat interval (tests/tracker_port_test.ts runs the same list through a real port).
 */
import { startTestTracker } from "../tracker/test_fixture.ts";
import {
  forgedOrReplayedRefused,
  joinsDealEveryClubFourTimes,
  leaveRemovesAtOnce,
  malformedGet4xx,
  silentPeerExpires,
} from "./tracker_must_show.ts";

const scenarios = {
  "24 joins over 12 clubs deal every club exactly 4 times": joinsDealEveryClubFourTimes,
  "a silent peer is gone from every reply within 4 s": silentPeerExpires,
  "leave removes a peer at once": leaveRemovesAtOnce,
  "forged or replayed registrations are refused": forgedOrReplayedRefused,
  "200 malformed requests all get a 4xx, none a 5xx": malformedGet4xx,
};

for (const [name, run] of Object.entries(scenarios)) {
  Deno.test(`app.request: ${name}`, async () => {
    const t = await startTestTracker({ interval: 1, rateLimit: { rate: 0, burst: 1 } });
    try {
      await run(t.call);
    } finally {
      t.close();
    }
  });
}
