import fc from "fast-check";
import { assert, assertEquals } from "../testing.ts";
import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";

/** Reference encoding through the platform's btoa. */
function reference(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

Deno.test("base64url matches the platform's base64 and round-trips", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
    const text = encodeBase64Url(bytes);
    assertEquals(text, reference(bytes));
    assertEquals(decodeBase64Url(text), bytes);
  }));
});

Deno.test("base64url decoding refuses padding, foreign characters and stray bits", () => {
  assertEquals(decodeBase64Url("-_8"), new Uint8Array([251, 255]));
  assertEquals(decodeBase64Url(""), new Uint8Array(0));
  assertEquals(decodeBase64Url("-_8="), null);
  assertEquals(decodeBase64Url("+/8"), null);
  assertEquals(decodeBase64Url("A"), null);
  assertEquals(decodeBase64Url("é"), null);
  // "-_9" has a low bit set that no byte string encodes to.
  assertEquals(decodeBase64Url("-_9"), null);
  assert(decodeBase64Url("AAAA") !== null);
});
