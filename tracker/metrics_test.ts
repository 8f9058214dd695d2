import { assertEquals, assertThrows } from "../lib/testing.ts";
import { Metrics } from "./metrics.ts";

Deno.test("counters and gauges render in Prometheus text format", () => {
  const m = new Metrics();
  m.counter("req_total", "Requests.");
  let g = 3;
  m.gauge("things", "Things held.", () => g);
  m.inc("req_total", { route: "/", status: "200" });
  m.inc("req_total", { status: "200", route: "/" }, 2);
  m.inc("req_total", { route: 'a"b', status: "404" });
  g = 7;
  assertEquals(
    m.render(),
    [
      "# HELP req_total Requests.",
      "# TYPE req_total counter",
      'req_total{route="/",status="200"} 3',
      'req_total{route="a\\"b",status="404"} 1',
      "# HELP things Things held.",
      "# TYPE things gauge",
      "things 7",
      "",
    ].join("\n"),
  );
  assertEquals(m.value("req_total", { route: "/", status: "200" }), 3);
  assertThrows(() => m.inc("nope"), TypeError);
});
