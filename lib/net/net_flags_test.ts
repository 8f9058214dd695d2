import { assertEquals } from "../testing.ts";
import { parseNetFlags } from "./net_flags.ts";

Deno.test("net flags: defaults, checked numbers, the impairment parsed", () => {
  assertEquals(parseNetFlags({}), { bind: "0.0.0.0", port: 0, impair: undefined, upKbps: 0 });
  assertEquals(
    parseNetFlags({ port: "70000" }),
    '--port must be an integer from 0 to 65535, got "70000"',
  );
  assertEquals(
    parseNetFlags({ "up-kbps": "x" }),
    '--up-kbps must be an integer from 0 to 10000000, got "x"',
  );
  assertEquals((parseNetFlags({ impair: "loss=0.02" }) as { impair: unknown }).impair, {
    loss: 0.02,
  });
  assertEquals(typeof parseNetFlags({ impair: "loss=-1" }), "string");
});
