import { assert, assertEquals } from "../testing.ts";
import { connectFrom, drain, makePeer } from "./test_harness.ts";

/** A peer with an out-of-club download from x and an in-club upload to y, both silent. */
function setup() {
  const p = makePeer({ myClubs: [0, 1], config: { stallMs: 250 } });
  connectFrom(p, 0, "x", 2, "up", [2, 0]); // x uploads club 2 to p
  connectFrom(p, 0, "y", 0, "down", [0, 2]); // y downloads club 0 from p
  drain(p, 0);
  return p;
}

/** Runs p's housekeeping every tick over (from, to]. */
function tickThrough(p: ReturnType<typeof setup>, from: number, to: number) {
  for (let t = from + p.cfg.tickMs; t <= to; t += p.cfg.tickMs) p.handleTimeout(t);
}

Deno.test("stall: running all along, silent connections are dropped on time", () => {
  const p = setup();
  const { idleOutMs, keepaliveTimeoutMs } = p.cfg;
  tickThrough(p, 0, Math.max(idleOutMs, keepaliveTimeoutMs) + 100);
  assert(!p.downs.has("2|x"), "idle download dropped");
  assert(!p.ups.has("0|y"), "upload without keep-alives dropped");
  assertEquals(p.stats.dropped.idle, 1);
  assertEquals(p.stats.dropped.keepalive, 1);
});

Deno.test("stall: time the node did not run is nobody's silence; silence after it still counts", () => {
  const p = setup();
  const { idleOutMs, keepaliveTimeoutMs, tickMs } = p.cfg;
  tickThrough(p, 0, 500);
  // The process stalls for 3 s (longer than either timeout), then runs again.
  p.handleTimeout(3500);
  assert(p.downs.has("2|x"), "download kept through the stall");
  assert(p.ups.has("0|y"), "upload kept through the stall");
  assert(!p.bans.has("x"));
  // The keep-alive that waited in the socket buffer through the stall arrives now.
  p.handleMessage(3501, "y", { t: "keepalive", club: 0, lead: true, cookie: 0, offers: false });
  // Silence goes on being measured as running time: x had 500 ms of it before the stall.
  tickThrough(p, 3500, 3500 + idleOutMs - 500 - 2 * tickMs);
  assert(p.downs.has("2|x"), "not yet: the stall did not count");
  tickThrough(p, 3500 + idleOutMs - 500 - 2 * tickMs, 3500 + idleOutMs);
  assert(!p.downs.has("2|x"), "dropped once it was silent for idleOutMs of running time");
  assert(p.ups.has("0|y"), "y's keep-alive came after the stall");
  tickThrough(p, 3500 + idleOutMs, 3501 + keepaliveTimeoutMs + 2 * tickMs);
  assert(!p.ups.has("0|y"), "and y's silence after it counts");
});
