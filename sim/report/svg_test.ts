import { assert, assertEquals } from "../../lib/testing.ts";
import { barChart, lineChart, tickLabel, ticks } from "./svg.ts";

Deno.test("ticks are round numbers covering the range", () => {
  assertEquals(ticks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assertEquals(ticks(0, 3000, 3), [0, 1000, 2000, 3000]);
  assertEquals(ticks(0.95, 1, 5), [0.95, 0.96, 0.97, 0.98, 0.99, 1]);
  assertEquals([tickLabel(0.1 + 0.2), tickLabel(25_000), tickLabel(3e6)], ["0.3", "25k", "3M"]);
});

Deno.test("a line chart draws each line, breaks at missing points, and names it", () => {
  const svg = lineChart({
    title: "t <1>",
    xLabel: "x",
    yLabel: "y",
    lines: [
      { name: "clubs", points: [[0, 0], [1, 1], [2, null], [3, 1], [4, 0]] },
      { name: "flood", points: [[0, 1], [4, 1]], dashed: true },
    ],
  });
  assert(svg.startsWith("<svg") && svg.endsWith("</svg>"));
  assertEquals(svg.match(/<polyline/g)!.length, 3, "one line broken in two, and another");
  assert(
    svg.includes("t &lt;1&gt;") && svg.includes(">clubs<") && svg.includes("stroke-dasharray"),
  );
});

Deno.test("a bar chart draws one bar per value, with its value", () => {
  const svg = barChart({
    title: "overhead",
    yLabel: "ratio",
    groups: ["duplicates", "control"],
    bars: [{ name: "clubs", values: [0.08, 0.007] }, { name: "flood", values: [2.1, 0.0001] }],
    logY: true,
  });
  assertEquals(svg.match(/<rect x=/g)!.length, 4 + 1, "four bars and the frame");
  assert(svg.includes(">2.1<") && svg.includes(">0.08<"));
});
