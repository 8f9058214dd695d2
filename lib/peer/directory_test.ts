import { assert, assertEquals, assertThrows } from "../testing.ts";
import { Directory } from "./directory.ts";

const addrs = (list: readonly { addr: string }[]) => list.map((k) => k.addr);

Deno.test("directory: members in the order they became members, kept up to date", () => {
  const d = new Directory(10);
  d.learn("a", [1]);
  d.learn("b", [1, 2]);
  d.learn("c", [2]);
  assertEquals(addrs(d.members(1)), ["a", "b"]);
  const first = d.members(1);
  assert(d.members(1) === first, "unchanged membership: the same list");
  d.learn("a", [1]); // already a member: no change in order
  d.learn("c", [1]);
  assertEquals(addrs(d.members(1)), ["a", "b", "c"]);
  assertEquals(addrs(first), ["a", "b"], "a list handed out does not change under its holder");
  d.forget("a");
  assertEquals(addrs(d.members(1)), ["b", "c"]);
  assertEquals(addrs(d.members(2)), ["b", "c"]);
  d.learn("a", [1]);
  assertEquals(addrs(d.members(1)), ["b", "c", "a"], "forgotten then learned again: last");
  assertEquals(d.members(7), []);
  assertThrows(() => (d.members(1) as unknown as string[]).push("x"), TypeError);
});

Deno.test("directory: the least recently heard-of peer is forgotten past the bound", () => {
  const d = new Directory(3);
  d.learn("a", [0]);
  d.learn("b", [0]);
  d.learn("c", [0]);
  d.learn("a", []); // heard of again: now the most recent
  d.learn("d", [0]);
  assertEquals(d.size, 3);
  assertEquals(d.get("b"), undefined);
  assertEquals(addrs(d.members(0)), ["a", "c", "d"]);
  const pong = {
    t: "pong",
    nonce: 1,
    you: "x",
    clubs: [5],
    up: 0,
    upIn: 0,
    down: 0,
    downIn: 0,
    full: false,
    cookie: 0,
  } as const;
  d.pong(42, "c", pong);
  assertEquals([d.get("c")!.pongAt, addrs(d.members(5))], [42, ["c"]]);
});

Deno.test("directory: club sets grow in the order learned, are shared and read-only", () => {
  const d = new Directory(10);
  d.learn("a", [3]);
  d.learn("a", [1, 3, 1]);
  d.learn("b", [3, 1]);
  d.learn("c", [3]);
  d.learn("c", [1]);
  assertEquals([...d.get("a")!.clubs], [3, 1]);
  assert(d.get("a")!.clubs === d.get("c")!.clubs, "same clubs in the same order: one set");
  assertEquals([...d.get("b")!.clubs], [3, 1]);
  assertThrows(() => d.get("a")!.clubs.add(5), TypeError);
  assertThrows(() => d.get("a")!.clubs.delete(3), TypeError);
  assertEquals([...d.get("a")!.clubs], [3, 1]);
  assertEquals(addrs(d.members(1)), ["a", "b", "c"]);
  d.learn("z", []);
  assertEquals(d.get("z")!.clubs.size, 0);
});
