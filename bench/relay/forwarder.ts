/**
 * The process measured by the relay benchmark, run under Deno or Bun through one of the
 * lib/net adapters:
 *
 * - `--mode echo`: the bare loop, every datagram that arrives is sent on to `--to`;
 * - `--mode relay`: a real peer core (lib/peer, the programs' PROGRAM_CONFIG) in clubs 0 and
 *   1 of a 2-club channel, driven by NodeDriver with the native signature check and the
 *   natively hashed leaves (NativeAuthCheck.suite), exactly as peer/session.ts wires it
 *   (minus tracker, upload cap and output): it verifies every block and relays it to its
 *   in-club downstreams. `--source` is the sender's address. `--suite js` swaps in lib/auth's
 *   own suite (leaves hashed with @noble/hashes), for comparison.
 *
 * Prints `ready <addr>` on stdout once bound; on a `stats` line on stdin prints
 * `stats <json>`; exits when stdin closes.
 *
 *     deno run -A --unstable-net bench/relay/forwarder.ts --mode echo --adapter deno --to 127.0.0.1:9
 *     bun run bench/relay/forwarder.ts --mode relay --adapter node --key <hex> --source <addr>
 */
import process from "node:process";
import { channelTag } from "../../lib/auth/channel_tag.ts";
import { ed25519Suite } from "../../lib/auth/suite.ts";
import { keepFreedPagesUnderBun } from "../../lib/net/bun_allocator.ts";
import { openBunUdp } from "../../lib/net/bun_udp.ts";
import { openDenoUdp } from "../../lib/net/deno_udp.ts";
import { openLinuxUdp } from "../../lib/net/linux_udp.ts";
import { NodeDriver } from "../../lib/net/driver.ts";
import { NativeAuthCheck } from "../../lib/net/native_verify.ts";
import { openNodeUdp } from "../../lib/net/node_udp.ts";
import { programArgs } from "../../lib/net/runtime.ts";
import type { Transport } from "../../lib/net/transport.ts";
import { osSeededRng } from "../../lib/net/udp.ts";
import { PROGRAM_CONFIG } from "../../lib/peer/config.ts";
import { PeerCore } from "../../lib/peer/peer.ts";
import { benchArgs, benchChoice, refuse } from "../lib/cli.ts";

const USAGE = `deno run -A --unstable-net bench/relay/forwarder.ts [options]   (or bun run)

The relay benchmark's measured process, started by relay_bench.ts (bench/README.md). Prints
"ready <addr>" once bound, "stats <json>" for each "stats" line on stdin; exits when stdin
closes.

  --mode M       echo (every datagram sent on to --to) or relay (a real peer core)
  --adapter A    deno, ffi, node or bun: the lib/net socket (default deno)
  --to ADDR      echo: where to send what arrives
  --key HEX      relay: the channel's public key
  --source ADDR  relay: the sender's address
  --suite S      relay: program (native checks where the runtime has them) or js
  -h, --help     this help`;

/** Opens the named adapter on loopback. */
export function openAdapter(name: string): Promise<Transport> {
  const o = { hostname: "127.0.0.1", port: 0 };
  if (name === "deno") return openDenoUdp(o);
  if (name === "ffi") return openLinuxUdp(o);
  if (name === "node") return openNodeUdp(o);
  if (name === "bun") return openBunUdp(o);
  throw new RangeError(`--adapter deno|ffi|node|bun, got ${name}`);
}

/** Parses a hex string into bytes. */
export function fromHex(hex: string): Uint8Array {
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new RangeError("bad hex");
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

async function main(): Promise<void> {
  const v = benchArgs("forwarder", USAGE, programArgs(), {
    mode: { type: "string", default: "echo" },
    adapter: { type: "string", default: "deno" },
    to: { type: "string" },
    key: { type: "string" },
    source: { type: "string" },
    suite: { type: "string", default: "program" },
  });
  const mode = benchChoice("forwarder", "--mode", v.mode, ["echo", "relay"]);
  benchChoice("forwarder", "--adapter", v.adapter, ["deno", "ffi", "node", "bun"]);
  benchChoice("forwarder", "--suite", v.suite, ["program", "js"]);
  if (mode === "echo" && !v.to) refuse("forwarder", "--to is needed for echo");
  if (mode === "relay" && !/^([0-9a-f]{2})+$/i.test(v.key ?? "")) {
    refuse("forwarder", "--key must be the channel's public key in hex");
  }
  const transport = await openAdapter(v.adapter);
  let stats: () => unknown = () => ({ transport: transport.stats });
  if (mode === "echo") {
    const to = v.to!;
    transport.onReceive((_from, bytes) => transport.send(to, bytes));
  } else {
    const key = fromHex(v.key!);
    const tag = channelTag(key);
    const native = await NativeAuthCheck.create(key, tag);
    const core = new PeerCore(Date.now(), {
      self: transport.local,
      role: "peer",
      clubs: 2,
      myClubs: [0, 1],
      // As peer/session.ts: the native suite where the runtime has one.
      suite: v.suite !== "js" && native
        ? native.suite(key)
        : ed25519Suite(key, tag, native?.checked),
      rng: osSeededRng(),
      source: v.source,
      config: PROGRAM_CONFIG,
      playback: { targetDelayMs: 3000 },
    });
    let played = 0, playedBytes = 0;
    const driver = new NodeDriver(core, transport, {
      tag,
      // Signatures are checked only for a peer we have a connection with: the core drops a
      // stranger's block unread, and a flood of them must not cost a signature check each.
      gate: native &&
        ((msg, from) =>
          core.connectedTo(from) && !core.bans.has(from) ? native.check(msg) : undefined),
      onEvent: (e) => {
        // The output a real peer writes to its player; counted, not written.
        if (e.type === "playback" && e.event.type === "play") {
          played++;
          playedBytes += e.event.payload.length;
        }
      },
    });
    driver.start();
    stats = () => ({
      native: native !== undefined,
      suite: v.suite,
      signaturesChecked: native?.verified,
      transport: transport.stats,
      driver: driver.stats,
      core: core.stats,
      played,
      playedBytes,
    });
  }
  console.log(`ready ${transport.local}`);
  let buf = "";
  process.stdin.on("data", (chunk: Uint8Array | string) => {
    buf += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line === "stats") console.log(`stats ${JSON.stringify(stats())}`);
    }
  });
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("close", () => process.exit(0));
}

if (import.meta.main) {
  keepFreedPagesUnderBun(); // as the peer program does under Bun
  await main();
}
