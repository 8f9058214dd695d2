/**
 * Plain SVG charts for docs/results.md: line charts (latency CDFs, delivery over time, cost
 * against swarm size) and grouped bar charts (overhead per design). No dependencies: each
 * chart is a string of SVG, readable on GitHub and in any browser.
 */

/** One line of a line chart. */
export interface Line {
  readonly name: string;
  readonly points: readonly (readonly [number, number | null])[];
  /** Dashed (for a second measure of the same design). */
  readonly dashed?: boolean;
}

/** A line chart. */
export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly lines: readonly Line[];
  /** Axis ranges; the data's when absent. */
  readonly x?: readonly [number, number];
  readonly y?: readonly [number, number];
  /** A logarithmic x axis (base 10). */
  readonly logX?: boolean;
}

/** One bar series of a bar chart (one value per group). */
export interface Bars {
  readonly name: string;
  readonly values: readonly number[];
}

/** A grouped bar chart. */
export interface BarChart {
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  readonly bars: readonly Bars[];
  /** A logarithmic y axis (base 10); values at or below 0 are drawn at the floor. */
  readonly logY?: boolean;
}

/** Colours of the series, in order (the club protocol first). */
export const COLOURS = ["#1b6ac9", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f"];

const W = 720, H = 400, L = 70, R = 170, T = 40, B = 56;

const esc = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** A number as a tick label: short, no float noise. */
export function tickLabel(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(4)}`;
}

/** About `n` round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9))!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(+v.toPrecision(12));
  }
  return out;
}

function frame(title: string, xLabel: string, yLabel: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="${T - 16}" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="${L + (W - L - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${T + (H - T - B) / 2}) rotate(-90)" text-anchor="middle">${
      esc(yLabel)
    }</text>`,
    ...body,
    `</svg>`,
  ].join("\n");
}

function legend(names: readonly { name: string; dashed?: boolean }[]): string[] {
  return names.map((l, i) => {
    const y = T + 10 + i * 20, c = COLOURS[i % COLOURS.length];
    const dash = l.dashed ? ` stroke-dasharray="6 4"` : "";
    return `<line x1="${W - R + 14}" y1="${y}" x2="${
      W - R + 40
    }" y2="${y}" stroke="${c}" stroke-width="3"${dash}/>` +
      `<text x="${W - R + 46}" y="${y + 4}">${esc(l.name)}</text>`;
  });
}

/** A line chart as SVG. */
export function lineChart(c: LineChart): string {
  const xs = c.lines.flatMap((l) => l.points.map((p) => p[0]));
  const ys = c.lines.flatMap((l) =>
    l.points.map((p) => p[1]).filter((v): v is number => v !== null)
  );
  const fx = (v: number) => (c.logX ? Math.log10(Math.max(v, 1e-9)) : v);
  const [x0, x1] = c.x ?? [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = c.y ?? [Math.min(0, ...ys), Math.max(...ys) || 1];
  const X = (v: number) => L + ((fx(v) - fx(x0)) / (fx(x1) - fx(x0) || 1)) * (W - L - R);
  const Y = (v: number) => H - B - ((v - y0) / (y1 - y0 || 1)) * (H - T - B);
  const body: string[] = [];
  const xt = c.logX ? ticks(Math.log10(x0), Math.log10(x1), 4).map((e) => 10 ** e) : ticks(x0, x1);
  for (const v of xt) {
    body.push(
      `<line x1="${X(v)}" y1="${T}" x2="${X(v)}" y2="${H - B}" stroke="#e5e5e5"/>`,
      `<text x="${X(v)}" y="${H - B + 16}" text-anchor="middle">${tickLabel(v)}</text>`,
    );
  }
  for (const v of ticks(y0, y1)) {
    body.push(
      `<line x1="${L}" y1="${Y(v)}" x2="${W - R}" y2="${Y(v)}" stroke="#e5e5e5"/>`,
      `<text x="${L - 6}" y="${Y(v) + 4}" text-anchor="end">${tickLabel(v)}</text>`,
    );
  }
  body.push(
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${
      H - T - B
    }" fill="none" stroke="#888"/>`,
  );
  c.lines.forEach((l, i) => {
    const segs: string[] = [];
    let cur: string[] = [];
    for (const [x, y] of l.points) {
      // A point off the chart (or missing) breaks the line: nothing is drawn at an edge
      // that the data never had.
      if (y === null || x < x0 || x > x1 || y < y0 || y > y1) {
        if (cur.length > 1) segs.push(cur.join(" "));
        cur = [];
        continue;
      }
      cur.push(`${X(x).toFixed(1)},${Y(y).toFixed(1)}`);
    }
    if (cur.length > 1) segs.push(cur.join(" "));
    const dash = l.dashed ? ` stroke-dasharray="6 4"` : "";
    for (const s of segs) {
      body.push(
        `<polyline points="${s}" fill="none" stroke="${
          COLOURS[i % COLOURS.length]
        }" stroke-width="2"${dash}/>`,
      );
    }
  });
  body.push(...legend(c.lines));
  return frame(c.title, c.xLabel, c.yLabel, body);
}

/** A grouped bar chart as SVG, the value written above each bar. */
export function barChart(c: BarChart): string {
  const vals = c.bars.flatMap((b) => b.values);
  const pos = vals.filter((v) => v > 0);
  const lo = c.logY ? 10 ** Math.floor(Math.log10(Math.min(...pos, 1))) : 0;
  const hi = c.logY
    ? 10 ** Math.ceil(Math.log10(Math.max(...pos, 1)))
    : Math.max(...vals, 0) * 1.15 || 1;
  const f = (v: number) => (c.logY ? Math.log10(Math.max(v, lo)) : v);
  const Y = (v: number) => H - B - ((f(v) - f(lo)) / (f(hi) - f(lo) || 1)) * (H - T - B);
  const body: string[] = [];
  const tv = c.logY
    ? ticks(Math.log10(lo), Math.log10(hi), Math.log10(hi) - Math.log10(lo)).map((e) => 10 ** e)
    : ticks(0, hi);
  for (const v of tv) {
    body.push(
      `<line x1="${L}" y1="${Y(v)}" x2="${W - R}" y2="${Y(v)}" stroke="#e5e5e5"/>`,
      `<text x="${L - 6}" y="${Y(v) + 4}" text-anchor="end">${tickLabel(v)}</text>`,
    );
  }
  const gw = (W - L - R) / c.groups.length, bw = (gw * 0.8) / c.bars.length;
  c.groups.forEach((g, gi) => {
    const gx = L + gi * gw + gw * 0.1;
    body.push(
      `<text x="${L + gi * gw + gw / 2}" y="${H - B + 16}" text-anchor="middle">${esc(g)}</text>`,
    );
    c.bars.forEach((b, bi) => {
      const v = b.values[gi], x = gx + bi * bw, y = Y(v);
      body.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${
          (H - B - y).toFixed(1)
        }" fill="${COLOURS[bi % COLOURS.length]}"/>`,
        `<text x="${(x + bw / 2).toFixed(1)}" y="${
          (y - 3).toFixed(1)
        }" text-anchor="middle" font-size="10">${tickLabel(+v.toPrecision(3))}</text>`,
      );
    });
  });
  body.push(
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${
      H - T - B
    }" fill="none" stroke="#888"/>`,
  );
  body.push(...legend(c.bars));
  return frame(c.title, "", c.yLabel, body);
}
