import { which } from "../lib/net/which.ts";
import { assert, assertEquals } from "../lib/testing.ts";
import { HttpOut } from "./http_out.ts";
import { startsVideoKeyframe } from "./ts_gate.ts";

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; !cond() && i < 200; i++) await new Promise((r) => setTimeout(r, 5));
  assert(cond(), "timed out");
};

Deno.test("http out: a client gets the blocks written after it connected, in order", async () => {
  const out = new HttpOut({ gate: false });
  const addr = await out.listen("127.0.0.1:0");
  out.write(0, new Uint8Array([9, 9])); // before anyone listens: nobody gets it
  const res = await fetch(`http://${addr}/`);
  assertEquals(res.headers.get("content-type"), "video/mp2t");
  const reader = res.body!.getReader();
  await waitFor(() => out.clients === 1);
  for (let i = 0; i < 5; i++) out.write(0, new Uint8Array([i, i, i]));
  const got: number[] = [];
  while (got.length < 15) got.push(...(await reader.read()).value!);
  assertEquals(got, [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
  await reader.cancel();
  await waitFor(() => out.clients === 0); // a client that hung up is forgotten
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

const TS = 188;
const pid = (p: Uint8Array) => ((p[1] & 0x1f) << 8) | p[2];
/** True for a packet that starts a video PES (stream id 0xE0..0xEF), keyframe or not. */
function startsVideoPes(p: Uint8Array): boolean {
  if ((p[1] & 0x40) === 0 || (p[3] & 0x10) === 0) return false; // payload_unit_start, payload
  const o = p[3] & 0x20 ? 5 + p[4] : 4;
  return p[o] === 0 && p[o + 1] === 0 && p[o + 2] === 1 && (p[o + 3] & 0xf0) === 0xe0;
}

/**
 * Plays the bundled clip (3 s, H.264 keyframes at packets 3, 164 and 338, a PAT every ~14
 * packets) into an HttpOut in 7-packet blocks, with a real HTTP client connecting after
 * `lateBlocks` blocks: mid-GOP. Resolves with every byte that client got.
 */
async function lateClient(out: HttpOut, lateBlocks: number): Promise<Uint8Array> {
  const clip = await Deno.readFile(new URL("../source/demo_clip.mpegts", import.meta.url));
  const addr = await out.listen("127.0.0.1:0");
  const BLOCK = 7 * TS;
  let o = 0;
  for (; o < lateBlocks * BLOCK; o += BLOCK) out.write(o / 10, clip.subarray(o, o + BLOCK));
  const res = await fetch(`http://${addr}/`);
  const body = res.arrayBuffer();
  await waitFor(() => out.clients === 1);
  const next = clip.subarray(o, o + TS);
  assert(pid(next) !== 0 && !startsVideoKeyframe(next), "the client joins mid-GOP");
  for (; o < clip.length; o += BLOCK) out.write(o / 10, clip.subarray(o, o + BLOCK));
  await out.close();
  return new Uint8Array(await body);
}

Deno.test("http out: a late client's stream starts with PAT, PMT and a keyframe, as stdout's", async () => {
  const got = await lateClient(new HttpOut(), 3);
  const clip = await Deno.readFile(new URL("../source/demo_clip.mpegts", import.meta.url));
  assertEquals(pid(got), 0, "the first packet is a PAT");
  assertEquals(pid(got.subarray(TS)), 4096, "then the PMT");
  let firstVideo: Uint8Array | undefined;
  for (let o = 0; o < got.length && !firstVideo; o += TS) {
    if (startsVideoPes(got.subarray(o, o + TS))) firstVideo = got.subarray(o, o + TS);
  }
  assert(firstVideo && startsVideoKeyframe(firstVideo), "the first video PES is a keyframe");
  // From there on, every byte of the stream: the clip from the PAT before its 2nd keyframe.
  assertEquals(got, clip.subarray(162 * TS));
  if (which("ffmpeg")) {
    const ff = new Deno.Command("ffmpeg", {
      args: ["-v", "error", "-i", "-", "-f", "null", "-"],
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const w = ff.stdin.getWriter();
    await w.write(got);
    await w.close();
    const { code, stderr } = await ff.output();
    assertEquals([code, new TextDecoder().decode(stderr)], [0, ""], "decodes without an error");
  }
});

Deno.test("http out: with --raw (no gate) a late client gets the next block as it is", async () => {
  const clip = await Deno.readFile(new URL("../source/demo_clip.mpegts", import.meta.url));
  const got = await lateClient(new HttpOut({ gate: false }), 3);
  assertEquals(got, clip.subarray(21 * TS));
});
