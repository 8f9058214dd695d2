import { assert, assertEquals } from "../testing.ts";
import { ffiSocketPlatform, loadLibc } from "./libc.ts";

Deno.test({
  name: "libc through Deno's FFI: one binding, errno as the call left it, buffers' addresses",
  ignore: !ffiSocketPlatform(Deno.build.os, Deno.build.arch),
  fn() {
    const c = loadLibc();
    assert(c !== null, "Linux with FFI granted (the tests run with -A)");
    assert(loadLibc() === c, "bound once");
    assertEquals(c.libc.close(-1), -1);
    assertEquals(c.errno(), 9, "EBADF");
    const a = new Uint8Array(new ArrayBuffer(64)), b = new Uint8Array(new ArrayBuffer(64));
    assert(c.addressOf(a) !== c.addressOf(b));
    assertEquals(c.addressOf(a.subarray(16)) - c.addressOf(a), 16n);
    assert(c.pollOffThread !== undefined, "Deno can wait in poll() on a worker thread");
  },
});
