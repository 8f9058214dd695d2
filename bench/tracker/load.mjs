// The HTTP load generator of vs_bittorrent.ts: autocannon (npm), run under Node. Joins
// `--peers` distinct peers, then announces them in turn ("heartbeat", or a regular
// BitTorrent announce) over `--connections` keep-alive connections for `--seconds`. Prints
// one JSON line: requests/s, p50/p99 latency (ms), errors and non-2xx answers.
//
//   node bench/tracker/load.mjs --kind clubcast --url http://127.0.0.1:8000/c/<ch>/announce
//   node bench/tracker/load.mjs --kind bittorrent --url http://127.0.0.1:8001/announce
import autocannon from "autocannon";
import { parseArgs } from "node:util";

const { values: v } = parseArgs({
  options: {
    kind: { type: "string" },
    url: { type: "string" },
    peers: { type: "string", default: "2000" },
    connections: { type: "string", default: "64" },
    seconds: { type: "string", default: "10" },
  },
});
const peers = Number(v.peers);
const u = new URL(v.url);

// A 20-byte id as BitTorrent puts it in a query: every byte percent-escaped.
const escape20 = (s) =>
  [...s.padEnd(20, "-").slice(0, 20)].map((c) =>
    "%" + c.charCodeAt(0).toString(16).padStart(2, "0")
  ).join("");
const infoHash = escape20("clubcast-bench-hash1");

/** The request announcing peer `i`; `first` marks a join. */
function request(i, first) {
  const p = i % peers;
  if (v.kind === "clubcast") {
    return {
      method: "POST",
      path: u.pathname,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        peer: `bench${p}`,
        port: 10000 + p,
        event: first ? "join" : "heartbeat",
      }),
    };
  }
  const q = `info_hash=${infoHash}&peer_id=${escape20(`bench${p}`)}&port=${10000 + p}` +
    `&uploaded=0&downloaded=0&left=0&compact=1&numwant=50${first ? "&event=started" : ""}`;
  return { method: "GET", path: `${u.pathname}?${q}` };
}

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, r) => (err ? reject(err) : resolve(r)));
  });
}

// Each connection announces its own peers (c, c + connections, ...) in turn, from requests
// built once: autocannon then only writes prepared bytes, so it measures the server.
const connections = Number(v.connections);
const perClient = (c, first) => {
  const list = [];
  for (let p = c; p < peers; p += connections) list.push(request(p, first));
  return list;
};
let joinClient = 0, hbClient = 0;
const join = await run({
  url: u.origin,
  connections,
  amount: peers,
  requests: [request(0, true)],
  setupClient: (client) => client.setRequests(perClient(joinClient++ % connections, true)),
});
const hb = await run({
  url: u.origin,
  connections,
  duration: Number(v.seconds),
  requests: [request(0, false)],
  setupClient: (client) => client.setRequests(perClient(hbClient++ % connections, false)),
});
const pick = (r) => ({
  requests: r.requests.total,
  perSecond: Math.round(r.requests.total / r.duration),
  p50ms: r.latency.p50,
  p99ms: r.latency.p99,
  errors: r.errors + r.timeouts,
  non2xx: r.non2xx,
  seconds: r.duration,
});
console.log(JSON.stringify({ join: pick(join), announce: pick(hb) }));
