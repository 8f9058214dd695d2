/**
 * The home page (`GET /`): live channels with their peers and club balance, plain HTML and
 * inline CSS, no script, readable in any browser. It reloads itself every 10 seconds.
 */
import type { ChannelStats } from "./stats.ts";

function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

function balance(members: readonly number[]): string {
  const max = Math.max(1, ...members);
  const bars = members.map((n, c) => {
    const h = Math.round((n / max) * 28) + 2;
    return `<span class="bar" style="height:${h}px" title="club ${c}: ${n}"></span>`;
  }).join("");
  const lo = Math.min(...members);
  const hi = Math.max(...members);
  return `<div class="bars">${bars}</div><div class="small">min ${lo} · max ${hi}</div>`;
}

function row(s: ChannelStats, now: number): string {
  const short = `${s.channel.slice(0, 10)}…${s.channel.slice(-4)}`;
  return `<tr>
<td><a href="/c/${esc(s.channel)}" title="${esc(s.channel)}"><code>${esc(short)}</code></a></td>
<td class="num">${s.peers}</td><td class="num">${s.sources > 0 ? "live" : "—"}</td>
<td class="num">${s.clubs}</td><td>${balance(s.members)}</td>
<td title="${new Date(s.created).toISOString()}">${ago(now - s.created)}</td>
<td title="${new Date(s.refreshed).toISOString()}">${ago(now - s.refreshed)}</td>
</tr>`;
}

/** The whole page for the channels given, at time `now` (unix ms). */
export function renderHome(
  channels: readonly ChannelStats[],
  now: number,
  interval: number,
  more: boolean,
): string {
  const total = channels.reduce((a, s) => a + s.peers, 0);
  const body = channels.length === 0
    ? `<p class="empty">No live channels. A source registers one with <code>PUT /c/{key}</code>.</p>`
    : `<table>
<thead><tr><th>Channel</th><th>Peers</th><th>Source</th><th>Clubs</th><th>Club balance</th>
<th>Created</th><th>Refreshed</th></tr></thead>
<tbody>${channels.map((s) => row(s, now)).join("")}</tbody>
</table>${
      more ? `<p class="small">Only the first ${channels.length} channels are shown.</p>` : ""
    }`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="10">
<title>clubcast tracker</title>
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:2em;color:#222;background:#fafafa}
h1{font-size:1.5em;margin:0 0 .2em}
table{border-collapse:collapse;background:#fff;box-shadow:0 1px 3px #0002}
th,td{padding:.45em .8em;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:bottom}
th{background:#f0f0f0;font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
.bars{display:flex;align-items:flex-end;gap:2px;height:30px}
.bar{display:inline-block;width:8px;background:#3a7bd5;border-radius:1px}
.small{font-size:.8em;color:#666}.empty{color:#666}
a{color:#1a4fa0}
</style></head>
<body>
<h1>clubcast tracker</h1>
<p class="small">${channels.length} channel${channels.length === 1 ? "" : "s"} · ${total} peer${
    total === 1 ? "" : "s"
  } · heartbeat every ${interval} s · JSON at <code>/c/{channel}</code>, metrics at <code>/metrics</code></p>
${body}
</body></html>
`;
}
