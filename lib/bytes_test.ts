import { assertEquals } from "./testing.ts";
import { concatBytes } from "./bytes.ts";

Deno.test("concatBytes joins the parts in order, empty ones included", () => {
  const a = new Uint8Array([1, 2]), b = new Uint8Array(0), c = new Uint8Array([3]);
  assertEquals([...concatBytes([a, b, c])], [1, 2, 3]);
  assertEquals(concatBytes([]).length, 0);
  const joined = concatBytes([a]);
  joined[0] = 9;
  assertEquals(a[0], 1, "a new array, not a view of a part");
});
