import { assert, assertEquals } from "../../lib/testing.ts";
import { decodeDatagram } from "../../lib/wire/codec.ts";
import { junkPool } from "./junk.ts";

Deno.test("junk pool: the fuzzer's mix plus valid requests, much of it reaching the core", () => {
  const tag = 0x636c7562;
  const pool = junkPool(tag, 4, 5000, 3);
  assertEquals(pool.datagrams.length, 5000);
  const { random, frame, mutated, request } = pool.kinds;
  assertEquals(random + frame + mutated + request, 5000);
  assert(request > 400 && request < 600, `requests ${request}`);
  assert(random > 500 && frame > 500 && mutated > 2500, JSON.stringify(pool.kinds));
  let ours = 0, bad = 0;
  for (const d of pool.datagrams) {
    const r = decodeDatagram(d);
    if (!r.ok) bad++;
    else if (r.tag === tag) ours++;
  }
  // The decoder refuses most of it, yet a good share decodes with the channel's tag.
  assert(bad > 1500 && ours > 500, `undecodable ${bad}, this channel's ${ours}`);
  const again = junkPool(tag, 4, 200, 3).datagrams.map((d) => [...d]);
  assertEquals(again, pool.datagrams.slice(0, 200).map((d) => [...d]), "same seed, same pool");
});
