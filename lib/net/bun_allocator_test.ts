/**
 * bun_allocator.ts: the pure parts, and under Bun (a `bun` subprocess running
 * bun_allocator_probe.ts; ignored when bun is not installed) that the process really starts
 * anew in place with the variable set and its arguments whole, and that a set value is kept.
 */
import { assertEquals } from "../testing.ts";
import { environWith, PURGE_DELAY_VAR, splitNulList, wantsRestart } from "./bun_allocator.ts";
import { which } from "./which.ts";

Deno.test("splitNulList: NUL-terminated strings, empty ones kept", () => {
  const bytes = new TextEncoder().encode("bun\0run\0\0a b\0");
  assertEquals(splitNulList(bytes), ["bun", "run", "", "a b"]);
  assertEquals(splitNulList(new Uint8Array()), []);
});

Deno.test("environWith: sets the variable once, replacing an earlier value", () => {
  assertEquals(environWith(["A=1", "X=2", "XY=3"], "X", "-1"), ["A=1", "XY=3", "X=-1"]);
  assertEquals(environWith([], "X", "-1"), ["X=-1"]);
});

Deno.test("wantsRestart: only Bun on Linux with the variable unset", () => {
  assertEquals(wantsRestart("bun", "linux", undefined), true);
  assertEquals(wantsRestart("bun", "linux", "100"), false);
  assertEquals(wantsRestart("bun", "linux", ""), false);
  assertEquals(wantsRestart("deno", "linux", undefined), false);
  assertEquals(wantsRestart("bun", "darwin", undefined), false);
});

const bun = which("bun");
if (!bun) console.error("bun not found on PATH: the Bun re-exec test is skipped");

async function probe(env: Record<string, string>, args: string[]) {
  const script = new URL("./bun_allocator_probe.ts", import.meta.url).pathname;
  const child = new Deno.Command(bun!, {
    args: ["run", script, ...args],
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp", ...env },
    stdout: "piped",
  }).spawn();
  const out = await child.output();
  assertEquals(out.code, 0);
  return { pid: child.pid, seen: JSON.parse(new TextDecoder().decode(out.stdout)) };
}

Deno.test({
  name: "keepFreedPagesUnderBun: under Bun the same process starts anew with the delay at -1",
  ignore: !bun || Deno.build.os !== "linux",
  async fn() {
    const args = ["a", "b c", "", "--flag=x y", "ünï"];
    const { pid, seen } = await probe({}, args);
    assertEquals(seen, { pid, delay: "-1", args }); // same pid: execve, not a child process
  },
});

Deno.test({
  name: "keepFreedPagesUnderBun: a value the user set is kept",
  ignore: !bun || Deno.build.os !== "linux",
  async fn() {
    const { pid, seen } = await probe({ [PURGE_DELAY_VAR]: "250" }, ["a"]);
    assertEquals(seen, { pid, delay: "250", args: ["a"] });
  },
});
