import { assert, assertEquals } from "../testing.ts";
import { wallClock } from "./clock.ts";
import { sharedGrid, WakeGrid } from "./wake_grid.ts";

Deno.test("WakeGrid runs callbacks at a grid point, never early, together in one timer", async () => {
  const grid = new WakeGrid(40, 0);
  const asked = wallClock();
  const ran: { name: string; at: number }[] = [];
  grid.schedule(() => ran.push({ name: "a", at: wallClock() }), 5);
  grid.schedule(() => ran.push({ name: "b", at: wallClock() }), 1);
  // Both are due in the same grid point (unless 5 ms straddle one): at most two timers.
  assert(grid.pending <= 2);
  await new Promise((r) => setTimeout(r, 120));
  assertEquals(ran.map((r) => r.name).sort(), ["a", "b"]);
  for (const r of ran) assert(r.at >= asked + 1, "early");
  assertEquals(grid.pending, 0);
  assertEquals(grid.ceil(81), 120);
  assertEquals(grid.ceil(80), 80);
});

Deno.test("WakeGrid: points lie at its phase; a new spacing keeps the phase and what waits", async () => {
  const grid = new WakeGrid(20, 7);
  assertEquals([grid.ceil(0), grid.ceil(7), grid.ceil(8), grid.ceil(27), grid.ceil(28)], [
    7,
    7,
    27,
    27,
    47,
  ]);
  let ran = 0;
  grid.schedule(() => ran++, 1); // within 20 ms
  grid.setSpacing(40);
  assertEquals(grid.gridMs, 40);
  assertEquals([grid.ceil(8), grid.ceil(47), grid.ceil(48)], [47, 47, 87]);
  await new Promise((r) => setTimeout(r, 30));
  assertEquals(ran, 1, "scheduled before the change: at its old point");
  // Random phases lie within the spacing, in whole ms.
  for (let i = 0; i < 50; i++) {
    const p = new WakeGrid(20).phaseMs;
    assert(Number.isInteger(p) && p >= 0 && p < 20, `phase ${p}`);
  }
});

Deno.test("WakeGrid: a cancelled callback does not run; a throwing one does not stop the rest", async () => {
  const grid = new WakeGrid(10);
  let ran = 0;
  const cancel = grid.schedule(() => ran += 100, 0);
  cancel();
  assertEquals(grid.pending, 0);
  cancel(); // twice is fine
  const thrown: unknown[] = [];
  const onError = (e: ErrorEvent) => {
    e.preventDefault();
    thrown.push(e.error);
  };
  globalThis.addEventListener("error", onError);
  try {
    grid.schedule(() => {
      throw new Error("boom");
    }, 0);
    grid.schedule(() => ran++, 0);
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    globalThis.removeEventListener("error", onError);
  }
  assertEquals(ran, 1);
  assertEquals(thrown.length, 1);
});

Deno.test("sharedGrid gives one grid per spacing", () => {
  assert(sharedGrid(20) === sharedGrid(20.2));
  assert(sharedGrid(20) !== sharedGrid(10));
  assertEquals(sharedGrid(0).gridMs, 1);
});
