import { authShapeOk } from "../../lib/auth/shape.ts";
import { STANDIN_BYTES } from "../../lib/auth/standin.ts";
import { Rng } from "../../lib/rand.ts";
import type { MsgType } from "../../lib/wire/messages.ts";
import { validateMsg } from "../../lib/wire/validate.ts";
import { assert, assertEquals } from "../../lib/testing.ts";
import { Forgeries } from "./forge.ts";
import { type JunkContext, junkMsg } from "./junk_msgs.ts";

const cx = (seed: number): JunkContext => ({
  rng: new Rng(seed),
  forgeries: new Forgeries(7, 43),
  id: 3,
  clubs: 12,
  top: 5000,
  nodes: 201,
});

Deno.test("junk messages are well formed, of every type, and their blocks forged", () => {
  const c = cx(1);
  const types = new Map<MsgType, number>();
  let realClub = 0, withClub = 0;
  for (let i = 0; i < 3000; i++) {
    const m = junkMsg(c);
    types.set(m.t, (types.get(m.t) ?? 0) + 1);
    if (m.t === "block" && m.block.kind === "auth") {
      // The simulator's signature blocks have stand-in sizes; all else is the wire's rules.
      assert(authShapeOk(m.block, STANDIN_BYTES, STANDIN_BYTES), "auth shape");
      validateMsg({
        ...m,
        block: { kind: "data", seq: 1, srcTime: 0, payload: new Uint8Array(1) },
      });
    } else validateMsg(m);
    if (m.t === "block") assert(c.forgeries.has(m.block), "every junk block is forged");
    if (m.t === "peers") {
      for (const a of m.peers) assert(Number(a.slice(1)) >= 201, `${a} is nobody`);
    }
    if ("club" in m) {
      withClub++;
      if (m.club < 12) realClub++;
    }
  }
  assertEquals(types.size, 12, "every message type");
  for (const [t, n] of types) assert(n > 150, `${t}: ${n}`);
  assert(realClub / withClub > 0.7, "mostly real clubs, which reach deeper");
});

Deno.test("junk is drawn from its seed", () => {
  const x = cx(2), y = cx(2), z = cx(3);
  const xs = Array.from({ length: 50 }, () => JSON.stringify(junkMsg(x), replacer));
  const ys = Array.from({ length: 50 }, () => JSON.stringify(junkMsg(y), replacer));
  const zs = Array.from({ length: 50 }, () => JSON.stringify(junkMsg(z), replacer));
  assertEquals(xs, ys);
  assert(xs.join() !== zs.join());
});

function replacer(_k: string, v: unknown): unknown {
  return v instanceof Uint8Array ? [...v] : v;
}
