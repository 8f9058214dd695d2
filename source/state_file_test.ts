import { assert, assertEquals } from "../lib/testing.ts";
import {
  parseState,
  RESERVE,
  RESERVE_LOW,
  SourceState,
  statePathOf,
  stateText,
} from "./state_file.ts";

const read = (path: string) => parseState(Deno.readTextFileSync(path));

Deno.test("source state: a new channel starts at 0 and knows no port", async () => {
  const dir = await Deno.makeTempDir();
  const s = new SourceState(statePathOf(`${dir}/source.key`), "chan");
  assertEquals([s.first, s.lastPort, s.note], [0, 0, undefined]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("source state: the file always covers every seq used, so a crash never reuses one", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/source.key.state`;
  const s = new SourceState(path, "chan");
  s.port = 40000;
  // Blocks are made after each cover(), at most RESERVE_LOW - 1 of them per call.
  let next = 0;
  for (let i = 0; i < 500; i++) {
    assertEquals(s.cover(next), undefined);
    next += 1 + (i * 7) % (RESERVE_LOW - 1);
    const on = read(path);
    assert(!(on instanceof Error));
    assert(on.next >= next, `file says ${on.next}, seqs up to ${next - 1} were used`);
    assert(on.next <= next + RESERVE, `file says ${on.next}: more than RESERVE ahead of ${next}`);
    assertEquals(on.port, 40000);
  }
  // A crash here: the next run starts past everything used, at most RESERVE numbers on.
  const again = new SourceState(path, "chan");
  assert(again.first >= next && again.first <= next + RESERVE, `${again.first} vs ${next}`);
  assertEquals(again.lastPort, 40000);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("source state: the file is written ahead, not for every block", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/k.state`;
  const s = new SourceState(path, "chan");
  s.cover(0);
  Deno.removeSync(path);
  for (let next = 1; next <= RESERVE - RESERVE_LOW; next++) s.cover(next);
  let gone = false;
  try {
    Deno.statSync(path);
  } catch {
    gone = true;
  }
  assert(gone, "no write while the file was still RESERVE_LOW ahead");
  s.cover(RESERVE - RESERVE_LOW + 1);
  const on = read(path);
  assert(!(on instanceof Error) && on.next === 2 * RESERVE - RESERVE_LOW + 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("source state: a clean stop writes the exact next seq (no gap after a restart)", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/k.state`;
  const s = new SourceState(path, "chan");
  s.cover(0);
  assertEquals(s.close(77), undefined);
  assertEquals(new SourceState(path, "chan").first, 77);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("source state: another channel's file, or a broken one, is not used, and said so", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/k.state`;
  Deno.writeTextFileSync(path, stateText({ channel: "other", next: 900, port: 5 }));
  const s = new SourceState(path, "chan");
  assertEquals([s.first, s.lastPort], [0, 0]);
  assert(s.note?.includes("another channel"));
  for (
    const bad of [
      "",
      "{",
      "[]",
      '{"clubcast":"source-key/v1"}',
      stateText({ channel: "chan", next: -1, port: 0 }),
      stateText({ channel: "chan", next: 1, port: 70000 }),
    ]
  ) {
    Deno.writeTextFileSync(path, bad);
    const b = new SourceState(path, "chan");
    assertEquals(b.first, 0, bad);
    assert(b.note !== undefined, bad);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("source state: a file that cannot be written is reported once, not per block", async () => {
  const dir = await Deno.makeTempDir();
  const s = new SourceState(`${dir}/missing-folder/k.state`, "chan");
  const said: string[] = [];
  for (let next = 0; next < 200; next += 5) {
    const why = s.cover(next);
    if (why) said.push(why);
  }
  assertEquals(said.length, 1);
  assert(said[0].includes("cannot write"));
  await Deno.remove(dir, { recursive: true });
});
