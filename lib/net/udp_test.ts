import { assert } from "../testing.ts";
import { parseAddr } from "./addr.ts";
import { openProgramUdp } from "./udp.ts";

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
