import { assertEquals } from "../testing.ts";
import {
  AF_INET,
  AF_INET6,
  formatIp6,
  parseIp4,
  parseIp6,
  readSockaddr,
  SOCKADDR_IN,
  SOCKADDR_IN6,
  writeSockaddr,
} from "./sockaddr.ts";

Deno.test("parseIp4 takes dotted quads only", () => {
  assertEquals([...parseIp4("127.0.0.1")!], [127, 0, 0, 1]);
  assertEquals([...parseIp4("255.255.255.255")!], [255, 255, 255, 255]);
  for (const bad of ["256.0.0.1", "1.2.3", "1.2.3.4.5", "localhost", "", "1.2.3.04x", " 1.2.3.4"]) {
    assertEquals(parseIp4(bad), undefined, bad);
  }
});

Deno.test("parseIp6 and formatIp6 agree with RFC 5952 text", () => {
  const cases: [string, string][] = [
    ["::1", "::1"],
    ["::", "::"],
    ["2001:DB8:0:0:0:0:2:1", "2001:db8::2:1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // one zero group stays
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // the longer run
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // the first of equal runs
    ["fe80::", "fe80::"],
    ["::ffff:10.0.0.1", "::ffff:10.0.0.1"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
  ];
  for (const [text, canonical] of cases) {
    const b = parseIp6(text);
    assertEquals(b?.length, 16, text);
    assertEquals(formatIp6(b!), canonical, text);
  }
  for (
    const bad of [
      "1::2::3",
      "12345::",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "::1.2.3.4:5",
      "fe80::1%eth0",
      "g::1",
      ":",
      "127.0.0.1",
    ]
  ) {
    assertEquals(parseIp6(bad), undefined, bad);
  }
});

Deno.test("writeSockaddr and readSockaddr round-trip addresses for either family", () => {
  const out = new Uint8Array(SOCKADDR_IN6);
  const view = new DataView(out.buffer);
  assertEquals(writeSockaddr("10.1.2.3:4000", AF_INET, out), SOCKADDR_IN);
  assertEquals([...out.subarray(0, 8)], [2, 0, 0x0f, 0xa0, 10, 1, 2, 3]);
  assertEquals(readSockaddr(view, 0), "10.1.2.3:4000");
  assertEquals(writeSockaddr("[2001:db8::1]:65535", AF_INET6, out), SOCKADDR_IN6);
  assertEquals(readSockaddr(view, 0), "[2001:db8::1]:65535");
  // An IPv4 peer through a dual-stack IPv6 socket: mapped, and named as IPv4 again.
  assertEquals(writeSockaddr("10.1.2.3:9", AF_INET6, out), SOCKADDR_IN6);
  assertEquals([...out.subarray(18, 24)], [0xff, 0xff, 10, 1, 2, 3]);
  assertEquals(readSockaddr(view, 0), "10.1.2.3:9");
  // What a socket cannot reach, or is no numeric address, has no sockaddr.
  for (const bad of ["[::1]:9", "localhost:9", "10.1.2.3", "10.1.2.3:0", "nonsense", ""]) {
    assertEquals(writeSockaddr(bad, AF_INET, out), 0, bad);
  }
  view.setUint16(0, 1, true); // AF_UNIX
  assertEquals(readSockaddr(view, 0), undefined);
});
