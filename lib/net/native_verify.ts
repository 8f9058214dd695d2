/**
 * Batch signatures checked with the runtime's native ed25519 (WebCrypto) before the core sees
 * them. The core checks signatures synchronously with @noble/ed25519, pure JavaScript: about
 * 1 ms per signature warm and several cold, so a joiner verifying a few seconds of history at
 * once stalls its event loop long enough for its socket buffer to overflow. WebCrypto's
 * Ed25519 takes tens of microseconds off the event loop. The verdict goes into a
 * {@link CheckedAuths} map that the core's suite consults first; where the runtime lacks
 * Ed25519 in WebCrypto, nothing changes (the core checks as before).
 */
import { type CheckedAuths, signedBytes } from "../auth/suite.ts";
import type { Msg } from "../wire/messages.ts";

/** Checks auth blocks natively, recording verdicts for the core's suite. */
export class NativeAuthCheck {
  /** Verdicts, keyed by the decoded auth block handed on to the core. */
  readonly checked: CheckedAuths = new WeakMap();
  readonly #key: CryptoKey;
  readonly #tag: number;

  private constructor(key: CryptoKey, tag: number) {
    this.#key = key;
    this.#tag = tag;
  }

  /**
   * A checker for the channel key `publicKey` and channel tag `tag`, or undefined when this
   * runtime's WebCrypto has no working Ed25519 (tested on RFC 8032's first vector: the good
   * signature must pass, and fail on another message).
   */
  static async create(publicKey: Uint8Array, tag: number): Promise<NativeAuthCheck | undefined> {
    try {
      const test = await importKey(RFC8032_1.publicKey);
      const good = await crypto.subtle.verify("Ed25519", test, RFC8032_1.sig, new Uint8Array(0));
      const bad = await crypto.subtle.verify("Ed25519", test, RFC8032_1.sig, new Uint8Array(1));
      if (!good || bad) return undefined;
      return new NativeAuthCheck(await importKey(publicKey), tag);
    } catch {
      return undefined;
    }
  }

  /**
   * For a message carrying an auth block: a promise that settles once its verdict is
   * recorded (the caller then hands the message on). Undefined for any other message.
   */
  check(msg: Msg): Promise<void> | undefined {
    if (msg.t !== "block" || msg.block.kind !== "auth") return undefined;
    const auth = msg.block;
    const bytes = signedBytes(this.#tag, auth);
    if (bytes === undefined) return undefined; // the core refuses the shape itself
    const sig = auth.sig as Uint8Array<ArrayBuffer>;
    return crypto.subtle.verify("Ed25519", this.#key, sig, bytes as Uint8Array<ArrayBuffer>).then(
      (ok) => void this.checked.set(auth, ok),
      () => {}, // unparseable: leave it to the core's own check
    );
  }
}

const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));

/**
 * RFC 8032's first Ed25519 test vector (empty message): the self-test, with no signing here,
 * which would cost the JavaScript library's cold start this module is meant to avoid.
 */
const RFC8032_1 = {
  publicKey: hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
  sig: hex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  ),
};

function importKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", Uint8Array.from(raw), { name: "Ed25519" }, false, [
    "verify",
  ]);
}
