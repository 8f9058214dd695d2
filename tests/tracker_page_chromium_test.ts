/**
 * The home page in a real browser: headless Chromium (Debian's package) loads `GET /` from
 * a running tracker, dumps the DOM it rendered, and takes a 1000x700 screenshot. Skipped,
 * with a message, where Chromium is not installed. Set TRACKER_SCREENSHOT=path to keep the
 * screenshot.
 */
import { assert, assertEquals } from "../lib/testing.ts";
import { answer, encodeBody, registration } from "../tracker/test_fixture.ts";
import { spawnTracker } from "./tracker_process.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});

if (CHROMIUM === undefined) {
  console.warn(
    "tracker_page_chromium_test: SKIPPED, no chromium at /usr/bin/chromium " +
      "(apt-get install -y chromium)",
  );
}

async function chromium(profile: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(CHROMIUM!, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--window-size=1000,700",
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, `chromium failed: ${new TextDecoder().decode(out.stderr).slice(-500)}`);
  return new TextDecoder().decode(out.stdout);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assertEquals([...png.slice(0, 8)], sig, "not a PNG");
  const v = new DataView(png.buffer, png.byteOffset);
  return [v.getUint32(16), v.getUint32(20)];
}

Deno.test({
  name: "headless Chromium renders the home page with channels, peers and club balance",
  ignore: CHROMIUM === undefined,
  async fn() {
    const tracker = await spawnTracker(["--kv", ":memory:", "--rate", "0"]);
    const profile = await Deno.makeTempDir({ prefix: "tracker-chromium-" });
    try {
      const { channel, body } = registration(12, Date.now());
      const put = await fetch(`${tracker.url}/c/${channel}`, {
        method: "PUT",
        body: encodeBody(body),
      });
      assertEquals(put.status, 201);
      for (let i = 0; i < 30; i++) {
        const r = await answer(
          await fetch(`${tracker.url}/c/${channel}/announce`, {
            method: "POST",
            body: encodeBody({ peer: `viewer${i}`, port: 6000 + i, event: "join" }),
          }),
        );
        assertEquals(r.status, 200);
      }
      await fetch(`${tracker.url}/c/${channel}/announce`, {
        method: "POST",
        body: encodeBody({ peer: "source", port: 5999, event: "join", clubs: [] }),
      });
      const dom = await chromium(profile, ["--dump-dom", `${tracker.url}/`]);
      assert(dom.includes("clubcast tracker"), "page title missing from the DOM");
      assert(dom.includes(`href="/c/${channel}"`), "channel link missing");
      assert(/<td class="num">30<\/td>/.test(dom), "peer count missing");
      assert(dom.includes("min 5 · max 5"), "club balance missing");
      const shot = `${profile}/tracker-home.png`;
      await chromium(profile, [`--screenshot=${shot}`, `${tracker.url}/`]);
      const png = await Deno.readFile(shot);
      assertEquals(pngSize(png), [1000, 700]);
      // A blank page compresses to a couple of KB; text, table and bars take far more.
      assert(png.length > 15_000, `screenshot only ${png.length} bytes`);
      const keep = Deno.env.get("TRACKER_SCREENSHOT");
      if (keep) await Deno.copyFile(shot, keep);
    } finally {
      await tracker.stop();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});
