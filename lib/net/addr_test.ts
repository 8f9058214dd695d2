import { assertEquals, assertThrows } from "../testing.ts";
import { formatAddr, parseAddr, parseAddrCached } from "./addr.ts";

Deno.test("formatAddr brackets IPv6 and unmaps IPv4-mapped addresses", () => {
  assertEquals(formatAddr("127.0.0.1", 4000), "127.0.0.1:4000");
  assertEquals(formatAddr("2001:db8::1", 53), "[2001:db8::1]:53");
  assertEquals(formatAddr("::ffff:10.1.2.3", 7), "10.1.2.3:7");
  assertThrows(() => formatAddr("127.0.0.1", 70000), RangeError);
});

Deno.test("parseAddr round-trips formatAddr", () => {
  for (const [h, p] of [["127.0.0.1", 1], ["::1", 65535], ["example.org", 80]] as const) {
    assertEquals(parseAddr(formatAddr(h, p)), { hostname: h, port: p });
  }
});

Deno.test("parseAddr refuses malformed addresses without throwing", () => {
  for (
    const bad of [
      "",
      "127.0.0.1",
      ":80",
      "1.2.3.4:0",
      "1.2.3.4:65536",
      "1.2.3.4:8x",
      "::1:80",
      "[::1:80",
      "[1.2.3.4]:80",
      "a b:80",
      42,
      null,
    ]
  ) {
    assertEquals(parseAddr(bad), undefined, String(bad));
  }
});

Deno.test("parseAddrCached answers as parseAddr, again and again", () => {
  for (let round = 0; round < 2; round++) {
    for (const a of ["127.0.0.1:4000", "[::1]:9", "nope", "1.2.3.4:0", "host:65535"]) {
      assertEquals(parseAddrCached(a), parseAddr(a), a);
    }
  }
});
