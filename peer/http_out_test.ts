import { assert, assertEquals } from "../lib/testing.ts";
import { HttpOut } from "./http_out.ts";

Deno.test("http out: a client gets the blocks written after it connected, in order", async () => {
  const out = new HttpOut();
  const addr = await out.listen("127.0.0.1:0");
  out.write(new Uint8Array([9, 9])); // before anyone listens: nobody gets it
  const res = await fetch(`http://${addr}/`);
  assertEquals(res.headers.get("content-type"), "video/mp2t");
  const reader = res.body!.getReader();
  for (let i = 0; out.clients === 0 && i < 100; i++) await new Promise((r) => setTimeout(r, 5));
  assertEquals(out.clients, 1);
  for (let i = 0; i < 5; i++) out.write(new Uint8Array([i, i, i]));
  const got: number[] = [];
  while (got.length < 15) got.push(...(await reader.read()).value!);
  assertEquals(got, [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
  await reader.cancel();
  for (let i = 0; out.clients > 0 && i < 100; i++) await new Promise((r) => setTimeout(r, 5));
  assertEquals(out.clients, 0, "a client that hung up is forgotten");
  await out.close();
});

Deno.test("http out: other methods are refused", async () => {
  const out = new HttpOut();
  const addr = await out.listen("127.0.0.1:0");
  const res = await fetch(`http://${addr}/`, { method: "POST", body: "x" });
  assertEquals(res.status, 405);
  assert((res.headers.get("allow") ?? "").includes("GET"));
  await res.body?.cancel();
  await out.close();
});
