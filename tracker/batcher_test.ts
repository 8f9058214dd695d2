import { assert, assertEquals } from "../lib/testing.ts";
import { Batcher } from "./batcher.ts";

Deno.test("items submitted together run as one batch, later ones in the next", async () => {
  const runs: number[][] = [];
  const b = new Batcher<number, number>(async (items) => {
    runs.push([...items]);
    await new Promise((r) => setTimeout(r, 5));
    return items.map((x) => x * 10);
  });
  const first = [1, 2, 3].map((x) => b.submit(x));
  await Promise.resolve();
  // Submitted while the first batch is in flight: they wait and go together.
  const second = [4, 5].map((x) => b.submit(x));
  assertEquals(await Promise.all([...first, ...second]), [10, 20, 30, 40, 50]);
  assertEquals(runs, [[1, 2, 3], [4, 5]]);
  assert(!b.busy);
});

Deno.test("a batch never exceeds maxBatch and keeps submission order", async () => {
  const runs: number[][] = [];
  const b = new Batcher<number, number>((items) => {
    runs.push([...items]);
    return Promise.resolve(items);
  }, 4);
  const out = await Promise.all(Array.from({ length: 10 }, (_, i) => b.submit(i)));
  assertEquals(out, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertEquals(runs.map((r) => r.length), [4, 4, 2]);
  assertEquals(runs.flat(), out);
});

Deno.test("a failing batch rejects its own items only", async () => {
  let calls = 0;
  const b = new Batcher<number, number>((items) => {
    calls++;
    return calls === 1 ? Promise.reject(new Error("disk full")) : Promise.resolve(items);
  });
  const bad = b.submit(1);
  await Promise.resolve();
  const good = b.submit(2);
  const r = await Promise.allSettled([bad, good]);
  assertEquals(r[0].status, "rejected");
  assertEquals(r[1], { status: "fulfilled", value: 2 });
});
