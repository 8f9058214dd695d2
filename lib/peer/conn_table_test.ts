import { assertEquals } from "../testing.ts";
import { ConnTable } from "./conn_table.ts";
import { connKey } from "./conns.ts";

interface Conn {
  readonly remote: string;
  readonly club: number;
  readonly inClub: boolean;
  readonly id: number;
}

/** The table's lists against a filtered walk over the Map itself. */
function assertLists(t: ConnTable<Conn>, clubs: number[], remotes: string[]): void {
  const all = [...t.values()];
  for (const club of clubs) {
    assertEquals(t.ofClub(club), all.filter((c) => c.club === club), `club ${club}`);
  }
  for (const r of remotes) {
    assertEquals(t.ofRemote(r), all.filter((c) => c.remote === r), r);
    assertEquals(t.hasRemote(r), all.some((c) => c.remote === r), r);
    for (const club of clubs) assertEquals(t.find(r, club), t.get(connKey(r, club)));
  }
  assertEquals(t.inClubCount, all.filter((c) => c.inClub).length);
}

Deno.test("ConnTable: per-club and per-remote lists follow the Map's order through any changes", () => {
  let x = 1;
  const rand = (n: number) => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n;
  const clubs = [0, 1, 2, 3, 11];
  const remotes = ["a", "b", "c", "d", "e", "f"];
  const t = new ConnTable<Conn>();
  for (let step = 0; step < 3000; step++) {
    const remote = remotes[rand(remotes.length)], club = clubs[rand(clubs.length)];
    const key = connKey(remote, club);
    const op = rand(10);
    if (op < 5) {
      // A new connection, or the same one set again (which keeps its place).
      const old = t.get(key);
      t.set(key, old ?? { remote, club, inClub: rand(2) === 0, id: step });
    } else if (op < 8) t.delete(key);
    else if (op < 9) {
      // Another connection under a taken key keeps the key's place in the Map.
      t.set(key, { remote, club, inClub: rand(2) === 0, id: step });
    } else if (rand(20) === 0) t.clear();
    assertLists(t, clubs, remotes);
  }
});

Deno.test("ConnTable: a club number that is not a small integer still gets an exact answer", () => {
  const t = new ConnTable<Conn>();
  t.set("x", { remote: "a", club: 2.5, inClub: false, id: 1 });
  t.set("y", { remote: "a", club: NaN, inClub: true, id: 2 });
  t.set("z", { remote: "b", club: 2, inClub: true, id: 3 });
  assertEquals(t.ofClub(2.5).map((c) => c.id), [1]);
  assertEquals(t.ofClub(NaN), [], "NaN is no club: === never matches it");
  assertEquals(t.ofClub(2).map((c) => c.id), [3]);
  assertEquals(t.ofRemote("a").map((c) => c.id), [1, 2]);
  assertEquals(t.inClubCount, 2);
  t.delete("y");
  assertEquals(t.ofRemote("a").map((c) => c.id), [1]);
  assertEquals(t.inClubCount, 1);
  assertEquals(t.ofClub(7), []);
});

Deno.test("ConnTable.find answers as get(connKey(remote, club)) does, whatever the keys", () => {
  const t = new ConnTable<Conn>();
  const a1 = { remote: "a", club: 1, inClub: true, id: 1 };
  const b1 = { remote: "b", club: 1, inClub: false, id: 2 };
  t.set(connKey("a", 1), a1);
  t.set(connKey("b", 1), b1);
  assertEquals(t.find("a", 1), a1);
  assertEquals(t.find("b", 1), b1);
  assertEquals(t.find("a", 2), undefined);
  assertEquals(t.find("c", 1), undefined);
  t.delete(connKey("a", 1));
  assertEquals(t.find("a", 1), undefined);
  // A connection under some other key: find falls back to the key.
  t.set("odd", { remote: "a", club: 1, inClub: true, id: 3 });
  assertEquals(t.find("a", 1), undefined);
  t.set(connKey("a", 1), a1);
  assertEquals(t.find("a", 1), a1);
  assertEquals(t.find("a", 2.5), undefined);
});
