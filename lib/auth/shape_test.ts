import { assert, assertEquals } from "../testing.ts";
import type { AuthBlock } from "../wire/messages.ts";
import { authShapeOk, bytesEqual, dataShapeOk, isU32, isU64 } from "./shape.ts";

Deno.test("isU64 and isU32 take exactly the integers their fields can carry", () => {
  assert(isU64(0) && isU64(2 ** 53 - 1) && !isU64(2 ** 53) && !isU64(-1) && !isU64(0.5));
  assert(!isU64("1") && !isU64(NaN) && !isU64(Infinity));
  assert(isU32(0) && isU32(2 ** 32 - 1) && !isU32(2 ** 32) && !isU32(-1) && !isU32(1.5));
});

Deno.test("dataShapeOk and authShapeOk check kinds, widths and counts", () => {
  const payload = new Uint8Array(3);
  assert(dataShapeOk({ kind: "data", seq: 1, srcTime: 2, payload }));
  assert(!dataShapeOk({ kind: "data", seq: 1, srcTime: -2, payload }));
  const leaves = [new Uint8Array(8), new Uint8Array(8)];
  const auth: AuthBlock = {
    kind: "auth",
    seq: 2,
    srcTime: 0,
    count: 2,
    bitrate: 0,
    threshold: 0,
    leaves,
    sig: new Uint8Array(8),
  };
  assert(authShapeOk(auth, 8, 8));
  assertEquals(authShapeOk(auth, 32, 8), false);
  assertEquals(authShapeOk(auth, 8, 64), false);
  assertEquals(authShapeOk({ ...auth, seq: 1 }, 8, 8), false);
  assertEquals(authShapeOk({ ...auth, count: 1 }, 8, 8), false);
  assertEquals(authShapeOk({ ...auth, threshold: 2 ** 32 }, 8, 8), false);
});

Deno.test("bytesEqual compares contents and lengths", () => {
  assert(bytesEqual(new Uint8Array([1, 2]), Uint8Array.of(1, 2)));
  assert(!bytesEqual(new Uint8Array([1, 2]), Uint8Array.of(1, 3)));
  assert(!bytesEqual(new Uint8Array([1, 2]), Uint8Array.of(1)));
});
