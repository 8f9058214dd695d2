import { assert, assertEquals } from "../testing.ts";
import { parseAddr } from "./addr.ts";
import { openProgramUdp, udpChoice } from "./udp.ts";

Deno.test("openProgramUdp: binds, wraps in the impairment asked for, says why it cannot bind", async () => {
  const plain = await openProgramUdp({ bind: "127.0.0.1", port: 0 });
  assert(!("error" in plain) && !("impaired" in plain));
  const port = parseAddr(plain.local)!.port;
  const taken = await openProgramUdp({ bind: "127.0.0.1", port });
  assert(
    "error" in taken && taken.error.includes(`cannot bind UDP 127.0.0.1:${port}`),
    "port taken",
  );
  await plain.close();
  const impaired = await openProgramUdp({ bind: "127.0.0.1", port: 0, impair: { loss: 0.5 } });
  assert(!("error" in impaired) && "impaired" in impaired, "impaired");
  await impaired.close();
});

Deno.test("udpChoice reads CLUBCAST_UDP: ffi, ffi:<ms>, anything else the Deno socket", () => {
  assertEquals(udpChoice("ffi"), { adapter: "ffi" });
  assertEquals(udpChoice(" ffi:20 "), { adapter: "ffi", batchMs: 20 });
  assertEquals(udpChoice("ffi:0"), { adapter: "ffi", batchMs: 0 });
  for (const v of [undefined, "", "deno", "ffi:", "ffi:x", "ffi:1000", "FFI"]) {
    assertEquals(udpChoice(v), { adapter: "deno" }, String(v));
  }
});
