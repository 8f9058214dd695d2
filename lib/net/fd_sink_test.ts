import { assert, assertEquals } from "../testing.ts";
import { stdoutKind } from "./fd_sink.ts";
import { linuxUdpAvailable } from "./linux_udp.ts";

const probe = new URL("./fd_sink_probe.ts", import.meta.url).pathname;
const COUNT = 500;

/** The bytes fd_sink_probe.ts writes. */
function expected(): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < COUNT; i++) {
    const chunk = new Uint8Array(1000 + (i * 997) % 7000);
    for (let j = 0; j < chunk.length; j++) chunk[j] = (i + j) % 251;
    parts.push(chunk);
    total += chunk.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) (out.set(p, o), o += p.length);
  return out;
}

function assertSameBytes(got: Uint8Array, want: Uint8Array): void {
  assertEquals(got.length, want.length);
  let i = 0;
  while (i < got.length && got[i] === want[i]) i++;
  assertEquals(i, got.length, `first difference at byte ${i}`);
}

Deno.test("stdoutKind: pipes and devices but terminals are reopened, files written as they are", () => {
  const f = { isFile: false, isFifo: false, isCharDevice: false };
  assertEquals(stdoutKind({ ...f, isFifo: true }, false), "pipe");
  assertEquals(stdoutKind({ ...f, isCharDevice: true }, false), "pipe"); // /dev/null
  assertEquals(stdoutKind({ ...f, isCharDevice: true }, true), "other"); // a terminal
  assertEquals(stdoutKind({ ...f, isFile: true }, false), "file");
  assertEquals(stdoutKind(f, false), "other"); // a socket
});

Deno.test({
  name: "fdStdoutSink: a reader slower than the writer gets every byte in order",
  ignore: !linuxUdpAvailable(),
  async fn() {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", probe, String(COUNT)],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Reads 16 KB at a time with pauses: the pipe (64 KB) fills and the probe's writes find
    // it full (EAGAIN) or take part of a chunk.
    const reader = child.stdout.getReader({ mode: "byob" });
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(16 * 1024));
      if (done) break;
      parts.push(value);
      total += value.length;
      if (parts.length % 8 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const got = new Uint8Array(total);
    let o = 0;
    for (const p of parts) (got.set(p, o), o += p.length);
    const err = await new Response(child.stderr).text();
    assertEquals((await child.status).code, 0, err);
    assert(err.includes("closed closed"), err);
    assertSameBytes(got, expected());
  },
});

Deno.test({
  name: "fdStdoutSink: stdout redirected to a file gets every byte, after what was there",
  ignore: !linuxUdpAvailable(),
  async fn() {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/out.bin`;
    await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
    // Appended to (>>): the sink writes at the shell's offset, not over what was there.
    const r = await new Deno.Command("sh", {
      args: ["-c", `exec "$0" run -A "$1" ${COUNT} >> "$2"`, Deno.execPath(), probe, path],
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(r.stderr);
    assertEquals(r.code, 0, err);
    const got = await Deno.readFile(path);
    assertEquals(Array.from(got.subarray(0, 3)), [1, 2, 3]);
    assertSameBytes(got.subarray(3), expected());
    await Deno.remove(dir, { recursive: true });
  },
});
