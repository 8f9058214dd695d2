/**
 * The V8 flag the `peer` program runs with: deno.json's `peer` and `compile` tasks, the
 * release workflow's `deno compile`, `deno task demo`'s peers (source/demo.ts) and the
 * benchmarks that start peers as `deno task peer` does (bench/swarm/swarm.ts, the relay
 * forwarder) all pass it; peer/v8_flags_test.ts checks the first three and the swarm's.
 *
 * Why: a peer relaying a stream allocates steadily (a few objects per datagram), and V8 then
 * grows its young generation to its largest size, 16 MB semi-spaces by default: the peer's
 * memory rose by 24-27 MiB from the end of its first minute to its third and only then stayed
 * put, while its live heap was some 12 MB (bench/README.md, run O). With 2 MB semi-spaces it
 * stays within a megabyte from the first minute on, at the same CPU (run P). Scavenges come
 * more often, but a peer's young objects are short-lived, so each one is cheap.
 */
export const PEER_V8_FLAGS = "--v8-flags=--max-semi-space-size=2";
