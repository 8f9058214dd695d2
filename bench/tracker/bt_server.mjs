// webtorrent's bittorrent-tracker serving HTTP announces on 127.0.0.1 (no UDP, no
// WebSocket, no stats page), run under Node as its users run it. Prints "ready <port>";
// exits when stdin closes. Used by vs_bittorrent.ts.
import Server from "bittorrent-tracker/server";
import process from "node:process";

const server = new Server({ http: true, udp: false, ws: false, stats: false, interval: 60_000 });
server.on("error", (e) => console.error(`bittorrent-tracker: ${e.message}`));
server.on("warning", () => {});
server.on("listening", () => console.log(`ready ${server.http.address().port}`));
server.listen(0, "127.0.0.1");
process.stdin.resume();
process.stdin.on("end", () => server.close(() => process.exit(0)));
