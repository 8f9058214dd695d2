/**
 * The forger: a peer that takes part like any other, but sends forged blocks in place of the
 * ones it relays (patent [0039]: what the signatures are for). Of the blocks its core sends:
 * 70 % become a forgery at the same seq (a data block with forged bytes, or a signature block
 * over forged leaves sealed with the wrong key), 10 % a forgery at a far-future seq of the
 * same club, 10 % a replay of a genuine old block of that club, and 10 % go out genuine (a
 * forger that also relays real blocks is harder to spot by silence). Repairs and catch-up
 * are treated the same way.
 */
import type { Addr, Block, BlockMsg, Msg } from "../../lib/wire/messages.ts";
import { Wrapped } from "./node.ts";

/** Milliseconds of stream per block at 2 Mbit/s, to give far-future forgeries a believable time. */
const MS_PER_SEQ = 4.5;

/** A peer that forges what it relays. */
export class Forger extends Wrapped {
  readonly kind = "forger" as const;

  protected alter(_now: number, dg: { to: Addr; msg: Msg }): Msg | undefined {
    const m = dg.msg;
    if (m.t !== "block") return m;
    const b = m.block, r = this.init.rng.next();
    if (r < 0.1) return m;
    let block: Block | undefined;
    if (r < 0.2) block = this.#replay(m);
    else if (r < 0.3) {
      const clubs = this.core.clubs;
      const seq = b.seq + clubs * (1 + this.init.rng.int(100_000));
      block = this.forge(seq, {
        kind: b.kind,
        srcTime: b.srcTime + Math.round((seq - b.seq) * MS_PER_SEQ),
      });
    }
    block ??= this.forge(b.seq, b);
    return { ...m, block };
  }

  /** A genuine block of the connection's club, 16 to 200 of its blocks old, if still held. */
  #replay(m: BlockMsg): Block | undefined {
    const clubs = this.core.clubs, seq = m.block.seq;
    const base = seq - ((((seq - m.club) % clubs) + clubs) % clubs);
    const old = this.core.store.get(base - clubs * (16 + this.init.rng.int(185)));
    if (old) this.stats.replayed++;
    return old;
  }
}
