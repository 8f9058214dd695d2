import { assert } from "../lib/testing.ts";
import { renderHome } from "./page.ts";

Deno.test("the home page lists channels with peers and club balance, escaped", () => {
  const html = renderHome(
    [{
      channel: "K".repeat(43),
      clubs: 3,
      peers: 7,
      sources: 1,
      members: [5, 4, 5],
      created: 0,
      refreshed: 60_000,
    }],
    120_000,
    15,
    false,
  );
  assert(html.startsWith("<!doctype html>"));
  assert(html.includes('<meta http-equiv="refresh" content="10">'));
  assert(html.includes(`href="/c/${"K".repeat(43)}"`));
  assert(html.includes(`<td class="num">7</td>`));
  assert(html.includes("min 4 · max 5"));
  assert(html.includes('title="club 1: 4"'));
  assert(html.includes("1 min ago") && html.includes("2 min ago"));
});

Deno.test("the home page says so when there are no channels", () => {
  const html = renderHome([], 0, 15, false);
  assert(html.includes("No live channels"));
  assert(!html.includes("<table>"));
});
