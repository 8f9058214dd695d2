import { assert, assertEquals } from "../testing.ts";
import { parseAddr } from "./addr.ts";
import { linuxUdpAvailable } from "./linux_udp.ts";
import { openProgramUdp, openUdp, UDP_ENV, udpChoice } from "./udp.ts";

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

Deno.test("udpChoice reads CLUBCAST_UDP: deno or node, ffi:<ms>, anything else the FFI default", () => {
  assertEquals(udpChoice("deno"), { adapter: "own" });
  assertEquals(udpChoice(" deno "), { adapter: "own" });
  assertEquals(udpChoice("node"), { adapter: "own" });
  assertEquals(udpChoice(" ffi:20 "), { adapter: "ffi", batchMs: 20 });
  assertEquals(udpChoice("ffi:0"), { adapter: "ffi", batchMs: 0 });
  for (const v of [undefined, "", "ffi", "ffi:", "ffi:x", "ffi:1000", "FFI", "denoo"]) {
    assertEquals(udpChoice(v), { adapter: "ffi" }, String(v));
  }
});

Deno.test("openUdp: the FFI socket by default where it is available, Deno's with CLUBCAST_UDP=deno", async () => {
  const kind = async () => {
    const t = await openUdp({ hostname: "127.0.0.1" });
    await t.close();
    return t.batchMs === undefined ? "deno" : "ffi";
  };
  const old = Deno.env.get(UDP_ENV);
  try {
    Deno.env.delete(UDP_ENV);
    assertEquals(await kind(), linuxUdpAvailable() ? "ffi" : "deno");
    Deno.env.set(UDP_ENV, "deno");
    assertEquals(await kind(), "deno");
  } finally {
    if (old === undefined) Deno.env.delete(UDP_ENV);
    else Deno.env.set(UDP_ENV, old);
  }
});

Deno.test("openUdp without the FFI permission falls back to Deno.listenDatagram", async () => {
  const udp = new URL("./udp.ts", import.meta.url).href;
  const code = `import { openUdp } from "${udp}";
const t = await openUdp({ hostname: "127.0.0.1" });
console.log(t.batchMs === undefined ? "deno_udp" : "ffi");
await t.close();`;
  const run = async (perms: string[]) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...perms, "--unstable-net", "-"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { CLUBCAST_UDP: "" },
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(code));
    await w.close();
    const o = await child.output();
    return new TextDecoder().decode(o.stdout).trim() + new TextDecoder().decode(o.stderr).trim();
  };
  assertEquals(await run(["--allow-net", "--allow-env", "--allow-read"]), "deno_udp");
  assertEquals(await run(["-A"]), linuxUdpAvailable() ? "ffi" : "deno_udp");
});
