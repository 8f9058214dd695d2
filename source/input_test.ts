import { assert, assertEquals } from "../lib/testing.ts";
import { InputSniffer, openInput } from "./input.ts";

Deno.test("openInput: a missing file or a directory is an Error naming the path", async () => {
  const dir = await Deno.makeTempDir();
  const missing = await openInput(`${dir}/none.ts`);
  assert(missing instanceof Error);
  assertEquals(missing.message, `cannot read --input ${dir}/none.ts: no such file or directory`);
  const folder = await openInput(dir);
  assert(folder instanceof Error);
  assertEquals(folder.message, `cannot read --input ${dir}: it is a directory`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openInput: a file is read; a FIFO is opened only when read", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/a.ts`, new Uint8Array([1, 2, 3]));
  const file = await openInput(`${dir}/a.ts`);
  assert(!(file instanceof Error));
  const got = [];
  for await (const chunk of await file()) got.push(...chunk);
  assertEquals(got, [1, 2, 3]);
  if (Deno.build.os !== "windows") {
    const fifo = `${dir}/f`;
    assert((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
    // With no writer yet, opening would wait: openInput must not.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const opener = await Promise.race([
      openInput(fifo),
      new Promise<Error>((r) => timer = setTimeout(() => r(new Error("openInput waited")), 5000)),
    ]);
    clearTimeout(timer);
    assert(!(opener instanceof Error));
    const writing = Deno.writeFile(fifo, new Uint8Array([7, 8]));
    const back = [];
    for await (const chunk of await opener()) back.push(...chunk);
    await writing;
    assertEquals(back, [7, 8]);
  }
  await Deno.remove(dir, { recursive: true });
});

/** `n` bytes of MPEG-TS-like packets: the sync byte every 188 bytes. */
const ts = (n: number) => {
  const b = new Uint8Array(n).fill(0xff);
  for (let i = 0; i < n; i += 188) b[i] = 0x47;
  return b;
};

Deno.test("InputSniffer: MPEG-TS in any chunking gives no warning", () => {
  const s = new InputSniffer();
  const data = ts(188 * 8);
  for (let at = 0; at < data.length; at += 100) {
    assertEquals(s.take(data.subarray(at, at + 100)), undefined);
  }
  assertEquals(s.end(), undefined);
  assertEquals(s.bytes, 188 * 8);
});

Deno.test("InputSniffer: other bytes give the warning once, as soon as it is sure", () => {
  const s = new InputSniffer();
  const data = ts(188 * 8);
  data[188 * 3] = 0; // the fourth packet lacks its sync byte
  assertEquals(s.take(data.subarray(0, 188 * 4)), undefined, "five packets are looked at");
  const w = s.take(data.subarray(188 * 4));
  assert(w?.includes("does not look like MPEG-TS") && w.includes("first 940 bytes"), w);
  assertEquals(s.take(new Uint8Array(1000)), undefined);
  assertEquals(s.end(), undefined);
});

Deno.test("InputSniffer: a short input is judged at its end; no input is not", () => {
  const short = new InputSniffer();
  assertEquals(short.take(new TextEncoder().encode("hello\n")), undefined);
  assert(short.end()?.includes("first 6 bytes"));
  assertEquals(short.bytes, 6);
  const shortTs = new InputSniffer();
  shortTs.take(ts(400));
  assertEquals(shortTs.end(), undefined);
  const none = new InputSniffer();
  assertEquals(none.end(), undefined);
  assertEquals(none.bytes, 0);
});
