/**
 * A single push tree, the classic alternative to a mesh (as in ESM or Overcast): the source
 * is the root; every node pushes every block it verified to its children, first in, first
 * out. A node takes as many children as its upload carries full copies of the stream
 * (mesh.ts: none below 1.1x, one at 1.5x, two at 3x; the source three at 4x), as if it
 * measured its upload.
 *
 * Joining: a node asks the source, then peers from its tracker sample in random order,
 * {@link JOIN_PARALLEL} at a time, "join" (with the first seq it wants); a node answers
 * "joined" with its path from the root when it is attached to the tree, has a free slot and
 * is not below the asker (no loops), and "refuse" otherwise; the first "joined" wins, later
 * ones are left at once. A full node gives the place of a child that carries no children
 * (its upload is below 1.1x) to an asker that can carry some, and tells the leaf to "leave"
 * and join elsewhere: otherwise leaves that came first would block the top of the tree. The new parent sends what it holds from the asked seq on (no more
 * than the club peer's catch-up: 2.8 s of stream), then every new block.
 *
 * Staying: a parent sends its children a heartbeat with its path every
 * {@link BEAT_MS} (an empty path while it is itself cut off from the root, so its children
 * wait for it to rejoin instead of leaving it); children send "alive" every second; a
 * parent silent for {@link PARENT_DEAD_MS} is dead and the child joins elsewhere; a child
 * silent for 3 s loses its slot. A child asks its parent again ("nack") once for each seq
 * still missing {@link NACK_AFTER_MS} after a later one came, the tree's loss repair; the
 * parent sends it unless it got the block itself less than that long ago (then it relayed
 * it just now and it is on its way).
 */
import { DEFAULT_CONFIG } from "../../lib/peer/config.ts";
import { LagMark } from "../../lib/peer/lag_mark.ts";
import type { Addr, Block, BlockMsg } from "../../lib/wire/messages.ts";
import type { Design } from "../design.ts";
import { type BaselineInit, BaselineNode } from "./baseline_node.ts";
import { copiesCarried } from "./mesh.ts";
import { type BaselineMsg, baselineSize } from "./messages.ts";

/** A parent's heartbeat period, ms. */
export const BEAT_MS = 500;
/** A parent silent this long is dead, ms. */
export const PARENT_DEAD_MS = 1500;
/** A child silent this long loses its slot, ms. */
export const CHILD_DEAD_MS = 3000;
/** An unanswered "join" is given up after this long, ms. */
export const JOIN_TIMEOUT_MS = 1000;
/** "join"s a node has out at once. */
export const JOIN_PARALLEL = 4;
/** A seq still missing this long after a later one came from the parent is asked again, ms. */
export const NACK_AFTER_MS = 600;
/** Seqs one "nack" names at most. */
const NACK_MAX = 64;

/** A node of the push tree. */
export class TreeNode extends BaselineNode {
  /** Children: when each was last heard, and how many children it can carry itself. */
  readonly children = new Map<Addr, { heard: number; slots: number }>();
  readonly maxChildren: number;
  parent: Addr | undefined;
  /** The path from the root to this node; empty while cut off from the root. */
  path: readonly Addr[] = [];
  readonly #sourceAddr: Addr;
  readonly #known: Addr[] = [];
  readonly #knownSet = new Set<Addr>();
  #parentHeard = 0;
  /** The "join"s waiting for an answer: whom, and since when. */
  readonly #joining = new Map<Addr, number>();
  /** Candidates still to ask in this joining round. */
  #candidates: Addr[] = [];
  #nextBeat = 0;
  #nextAlive = 0;
  /** The newest seq from the parent, and what it was {@link NACK_AFTER_MS} ago. */
  #top = -1;
  readonly #topMark = new LagMark(NACK_AFTER_MS);
  /** Seqs up to here were checked for gaps. */
  #checkedTo = -1;

  /** A tree peer or the root, born at `now`. */
  constructor(now: number, init: BaselineInit) {
    super(now, init);
    this.maxChildren = copiesCarried(this.uploadBps, this.streamBps);
    if (init.role === "source") {
      this.maxChildren = Math.max(1, this.maxChildren);
      this.path = [this.self];
      this.#sourceAddr = this.self;
    } else this.#sourceAddr = init.spec.source;
  }

  /** {@inheritDoc BaselineNode.learn} */
  learn(addrs: readonly Addr[]): void {
    for (const a of addrs) {
      if (a === this.self || this.#knownSet.has(a)) continue;
      this.#knownSet.add(a);
      this.#known.push(a);
      if (this.#known.length > 200) this.#knownSet.delete(this.#known.shift()!);
    }
  }

  /** True when this node is attached to the root. */
  get attached(): boolean {
    return this.path.length > 0;
  }

  protected heard(now: number, from: Addr): void {
    if (from === this.parent) this.#parentHeard = now;
    else {
      const c = this.children.get(from);
      if (c) c.heard = now;
    }
  }

  protected relay(now: number, block: Block, _from: Addr): void {
    for (const c of this.children.keys()) this.queue.block(now, c, block, this.stats);
  }

  protected override onBlockIn(now: number, from: Addr, m: BlockMsg): void {
    if (from !== this.parent) return;
    // Gaps are looked for from the first block a parent sent on, not before it.
    if (this.#checkedTo < 0) this.#checkedTo = m.block.seq - 1;
    if (m.block.seq > this.#top) {
      this.#top = m.block.seq;
      this.#topMark.note(now, this.#top);
    }
  }

  protected onMessage(now: number, from: Addr, msg: BaselineMsg): void {
    switch (msg.t) {
      case "join": {
        if (!this.attached || this.path.includes(from)) return this.send(from, { t: "refuse" });
        if (!this.children.has(from) && this.children.size >= this.maxChildren) {
          // Full: a child that can carry children takes the place of one that cannot,
          // which joins elsewhere, lower down.
          const leaf = msg.slots > 0
            ? [...this.children].find(([, c]) => c.slots === 0)?.[0]
            : undefined;
          if (leaf === undefined) return this.send(from, { t: "refuse" });
          this.children.delete(leaf);
          this.send(leaf, { t: "leave" });
        }
        this.children.set(from, { heard: now, slots: msg.slots });
        this.send(from, { t: "joined", path: this.path });
        // What it asked for that this node holds, no older than the club peer's catch-up
        // (bulkMaxAgeMs), then every new block (relay).
        const top = this.store.top, newest = this.store.get(top)?.srcTime ?? 0;
        for (let s = Math.max(msg.from, this.store.floor); s <= top; s++) {
          const b = this.store.get(s);
          if (b && newest - b.srcTime <= DEFAULT_CONFIG.bulkMaxAgeMs) this.sendBlock(now, from, s);
        }
        return;
      }
      case "joined":
        if (
          this.parent !== undefined || !this.#joining.delete(from) || msg.path.includes(this.self)
        ) {
          return this.send(from, { t: "leave" });
        }
        this.#joining.clear();
        this.#candidates = [];
        this.parent = from;
        this.#parentHeard = now;
        this.path = [...msg.path, this.self];
        return;
      case "refuse":
        this.#joining.delete(from);
        return;
      case "leave":
        if (from === this.parent) {
          // Our parent gave our place to a node that can carry children: join elsewhere.
          this.parent = undefined;
          this.path = [];
        } else this.children.delete(from);
        return;
      case "beat":
        if (from !== this.parent) return this.send(from, { t: "leave" });
        this.path = msg.path.length > 0 && !msg.path.includes(this.self)
          ? [...msg.path, this.self]
          : [];
        return;
      case "nack":
        if (!this.children.has(from)) return;
        // A block put less than NACK_AFTER_MS ago was relayed just now (this node got it
        // late too): it is on its way.
        for (const s of msg.seqs.slice(0, NACK_MAX)) {
          const at = this.store.putAt(s);
          if (at !== undefined && now - at >= NACK_AFTER_MS) this.sendBlock(now, from, s);
        }
        return;
    }
  }

  protected tick(now: number): void {
    if (this.role === "peer") {
      this.#watchParent(now);
      this.#askAgain(now);
    }
    for (const [c, { heard }] of this.children) {
      if (now - heard > CHILD_DEAD_MS) {
        this.children.delete(c);
        this.stats.dropped.dead = (this.stats.dropped.dead ?? 0) + 1;
      }
    }
    if (now >= this.#nextBeat) {
      this.#nextBeat = now + BEAT_MS;
      for (const c of this.children.keys()) this.send(c, { t: "beat", path: this.path });
    }
  }

  /** Keeps a live parent, or finds one. */
  #watchParent(now: number): void {
    if (this.parent !== undefined && now - this.#parentHeard > PARENT_DEAD_MS) {
      this.stats.dropped.dead = (this.stats.dropped.dead ?? 0) + 1;
      this.parent = undefined;
      this.path = [];
    }
    if (this.parent !== undefined) {
      if (now >= this.#nextAlive) {
        this.#nextAlive = now + 1000;
        this.send(this.parent, { t: "alive" });
      }
      return;
    }
    for (const [a, at] of this.#joining) if (now - at > JOIN_TIMEOUT_MS) this.#joining.delete(a);
    while (this.#joining.size < JOIN_PARALLEL) {
      if (this.#candidates.length === 0) {
        // A new round: the root first, then the known peers in random order.
        this.#candidates = this.rng.shuffle([...this.#known]);
        this.#candidates.push(this.#sourceAddr);
      }
      const to = this.#candidates.pop()!;
      if (this.children.has(to) || this.#joining.has(to)) {
        if (this.#candidates.length === 0) return;
        continue;
      }
      this.#joining.set(to, now);
      // A newcomer asks for the catch-up its parent keeps (-1: as far back as it goes).
      this.send(to, {
        t: "join",
        from: this.#top < 0 ? -1 : this.#top + 1,
        slots: this.maxChildren,
      });
    }
  }

  /** Asks the parent again for seqs still missing well after later ones came. */
  #askAgain(now: number): void {
    if (this.parent === undefined) return;
    const upTo = this.#topMark.lagged(now);
    if (upTo <= this.#checkedTo) return;
    const from = Math.max(this.#checkedTo + 1, this.floor(), upTo - 4 * NACK_MAX);
    this.#checkedTo = upTo;
    const seqs: number[] = [];
    for (let s = from; s <= upTo && seqs.length < NACK_MAX; s++) {
      if (!this.seen.has(s)) seqs.push(s);
    }
    if (seqs.length === 0) return;
    this.stats.repairAsked += seqs.length;
    this.send(this.parent, { t: "nack", seqs });
  }
}

/** `--design tree`. */
export const TREE: Design = {
  name: "tree",
  makeSource: (now, spec) => new TreeNode(now, { role: "source", spec }),
  makePeer: (now, spec) => new TreeNode(now, { role: "peer", spec }),
  size: (msg) => baselineSize(msg as BaselineMsg),
};
