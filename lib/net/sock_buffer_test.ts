import { assert, assertEquals } from "../testing.ts";
import { growDenoUdpBuffers, inodeForPort } from "./sock_buffer.ts";

const PROC_NET_UDP =
  `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  123: 0100007F:D4A1 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 987654 2 0000000000000000 0
  456: 00000000:1F90 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 111222 2 0000000000000000 0
`;

Deno.test("inodeForPort finds the socket by its hex port", () => {
  assertEquals(inodeForPort(PROC_NET_UDP, 0xd4a1), "987654");
  assertEquals(inodeForPort(PROC_NET_UDP, 8080), "111222");
  assertEquals(inodeForPort(PROC_NET_UDP, 9), undefined);
  assertEquals(inodeForPort("", 9), undefined);
});

Deno.test("growDenoUdpBuffers raises a Deno socket's receive buffer on Linux", () => {
  const conn = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  try {
    const port = (conn.addr as Deno.NetAddr).port;
    const got = growDenoUdpBuffers(port, false, 1024 * 1024);
    if (Deno.build.os !== "linux") return assertEquals(got, 0);
    // The kernel doubles the ask (bookkeeping) and caps it at rmem_max; the default is 208 KB.
    const max = Number(Deno.readTextFileSync("/proc/sys/net/core/rmem_max"));
    assert(got >= Math.min(1024 * 1024, max), `granted ${got}`);
    assertEquals(growDenoUdpBuffers(1, false, 1024 * 1024), 0);
  } finally {
    conn.close();
  }
});
