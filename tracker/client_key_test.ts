import { assertEquals } from "../lib/testing.ts";
import { rateKey } from "./client_key.ts";

Deno.test("an IPv4 address is its own rate-limit key", () => {
  assertEquals(rateKey("203.0.113.9"), "203.0.113.9");
  assertEquals(rateKey("10.0.0.1"), "10.0.0.1");
});

Deno.test("IPv6 addresses of one /64 share a key, in any spelling", () => {
  const keys = [
    "2001:db8:0:1::7",
    "2001:db8::1:0:0:0:9",
    "2001:0db8:0000:0001:ffff:ffff:ffff:ffff",
    "2001:DB8:0:1:1234::",
    "2001:db8:0:1::1.2.3.4",
    "2001:db8:0:1::1%eth0",
  ].map(rateKey);
  assertEquals(new Set(keys).size, 1);
  assertEquals(keys[0], "2001:db8:0:1::/64");
  assertEquals(rateKey("::1"), "0:0:0:0::/64");
  assertEquals(rateKey("2001:db8:0:2::7") === keys[0], false);
});

Deno.test("text that is not an address is its own key", () => {
  for (const s of ["1::2::3", "2001:db8:0:1:2:3:4:5:6", "g::1", "unknown", ":"]) {
    assertEquals(rateKey(s), s);
  }
});
