import { assert, assertEquals } from "../../lib/testing.ts";
import { BlockAuthenticator } from "../../lib/auth/authenticator.ts";
import { leafHash } from "../../lib/auth/merkle.ts";
import { ed25519Suite } from "../../lib/auth/suite.ts";
import { decodeDatagram } from "../../lib/wire/codec.ts";
import { nativeLeafHash } from "../../lib/net/native_verify.ts";
import { countOf } from "../../lib/peer/conn_counter.ts";
import { ClubStream, newStreamKey } from "./blocks.ts";
import { SendCounters } from "./send_counters.ts";

Deno.test("the native leaf the blocks are made with equals lib/auth's leafHash", () => {
  const payload = new Uint8Array(1128).map((_, i) => i & 0xff);
  for (const [seq, srcTime] of [[0, 0], [7, 1_700_000_000_123], [2 ** 33 + 5, 99]]) {
    const b = { kind: "data" as const, seq, srcTime, payload };
    assertEquals(nativeLeafHash(0xdeadbeef, b), leafHash(0xdeadbeef, b));
  }
});

Deno.test("a trial is every block on its club's connection, all verifying", () => {
  const key = newStreamKey();
  const s = new ClubStream({ key, clubs: 2, batch: 12 });
  const secrets = [2 ** 32 - 3, 77];
  const counters = new SendCounters(2);
  for (const club of [0, 1]) counters.open(club, secrets[club]);
  const t = s.trial(1000, 100, 5000);
  // 100 ms at 1000/s: at least 100 datagrams, whole batches of 12 data blocks + 1 auth.
  assert(t.datagrams.length >= 100 && t.datagrams.length % 13 === 0, `${t.datagrams.length}`);
  assertEquals(t.dueMs[1] - t.dueMs[0], 1);
  const auth = new BlockAuthenticator(ed25519Suite(key.publicKey));
  let verified = 0, seq = 0;
  const ns = [0, 0];
  for (const d of t.datagrams) {
    const r = decodeDatagram(counters.stamp(d)!);
    assert(r.ok && r.tag === key.tag && r.msg.t === "block");
    if (!r.ok || r.msg.t !== "block") continue;
    const b = r.msg.block;
    assertEquals([b.seq, r.msg.club], [seq++, b.seq % 2]);
    // Stamped as it goes out, each club's connection counts from 1, offset by its secret.
    const count = countOf(secrets[r.msg.club], r.msg.n);
    assertEquals(count, ns[r.msg.club] + 1);
    ns[r.msg.club] = count;
    assert(b.srcTime >= 5000 && b.srcTime < 5200);
    verified += auth.offer(b, "x").ready.length;
  }
  assertEquals(verified, t.datagrams.length);
  assertEquals(s.nextSeq, t.datagrams.length);
});

Deno.test("a reopened connection's counter starts again at 1", () => {
  const s = new ClubStream({ key: newStreamKey(), clubs: 2, batch: 12 });
  const counters = new SendCounters(2);
  for (const club of [0, 1]) counters.open(club, 9);
  for (const d of s.trial(1000, 100, 0).datagrams) counters.stamp(d);
  counters.open(1, 500);
  const first = s.trial(1000, 30, 0).datagrams.map((d) => decodeDatagram(counters.stamp(d)!))
    .find((r) => r.ok && r.msg.t === "block" && r.msg.club === 1);
  assert(first?.ok && first.msg.t === "block");
  assertEquals(countOf(500, first.msg.n), 1);
});

Deno.test("a trial made a slice at a time pauses as it goes and makes the same stream", async () => {
  const key = newStreamKey();
  const [whole, paced] = [
    new ClubStream({ key, clubs: 2, batch: 12 }),
    new ClubStream({ key, clubs: 2, batch: 12 }),
  ];
  const t = whole.trial(20_000, 100, 7000);
  let pauses = 0;
  const p = await paced.trialPaced(20_000, 100, 7000, () => {
    pauses++;
    return Promise.resolve();
  }, 0);
  // A slice of 0 ms: a pause after every batch.
  assertEquals(pauses, t.datagrams.length / 13);
  assertEquals(p.dueMs, t.dueMs);
  assertEquals(p.datagrams.length, t.datagrams.length);
  // The same blocks, seqs and counters; only the signatures' randomness may differ.
  for (let i = 0; i < t.datagrams.length; i++) {
    const [a, b] = [decodeDatagram(t.datagrams[i]), decodeDatagram(p.datagrams[i])];
    assert(a.ok && b.ok && a.msg.t === "block" && b.msg.t === "block");
    assertEquals([b.msg.n, b.msg.block.seq, b.msg.block.srcTime], [
      a.msg.n,
      a.msg.block.seq,
      a.msg.block.srcTime,
    ]);
  }
  assertEquals(paced.nextSeq, whole.nextSeq);
});
