import { assert, assertEquals } from "../testing.ts";
import { Rng } from "../rand.ts";
import { Directory } from "./directory.ts";
import { choosePeer } from "./choose.ts";
import type { PongMsg } from "../wire/messages.ts";

function pong(up: number): PongMsg {
  return {
    t: "pong",
    nonce: 0,
    you: "me",
    clubs: [3],
    up,
    upIn: 0,
    down: 0,
    downIn: 0,
    full: false,
    cookie: 0,
  };
}

const base = {
  now: 1000,
  freshMs: 5000,
  retryMs: 2000,
  pingBatch: 4,
  exclude: (a: string) => a === "banned",
  weight: (p: { pong: PongMsg | undefined }) => Math.max(1, p.pong?.up ?? 0),
};

Deno.test("picks among fresh candidates by the weights it is given (here, reported uploads)", () => {
  const d = new Directory(100);
  d.pong(900, "busy", pong(9));
  d.pong(900, "idle", pong(0));
  d.pong(900, "banned", pong(50));
  const rng = new Rng(4);
  const counts: Record<string, number> = { busy: 0, idle: 0 };
  for (let i = 0; i < 1000; i++) counts[choosePeer(d.members(3), rng, base).pick!]++;
  assertEquals(counts.busy + counts.idle, 1000, "never the banned one");
  assert(counts.busy > 8 * counts.idle * 0.7, JSON.stringify(counts));
  assert(counts.idle > 0, "a zero counts as one");
});

Deno.test("with no fresh pong, asks to ping stale candidates and picks nobody", () => {
  const d = new Directory(100);
  for (let i = 0; i < 10; i++) d.learn(`p${i}`, [3]);
  d.pong(-10_000, "old", pong(3));
  const c = choosePeer(d.members(3), new Rng(1), base);
  assertEquals(c.pick, undefined);
  assertEquals(c.ping.length, 4);
});

Deno.test("recently failed peers are skipped", () => {
  const d = new Directory(100);
  d.pong(900, "a", pong(1));
  d.get("a")!.failAt = 500;
  assertEquals(choosePeer(d.members(3), new Rng(1), base).pick, undefined);
});

Deno.test("the directory is bounded and indexes clubs", () => {
  const d = new Directory(3);
  d.learn("a", [1]);
  d.learn("b", [1, 2]);
  d.learn("c", [2]);
  d.learn("d", [1]);
  assertEquals(d.size, 3);
  assertEquals(d.members(1).map((p) => p.addr).sort(), ["b", "d"]);
});
