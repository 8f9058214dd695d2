/**
 * Prometheus text exposition (format 0.0.4) of the tracker's counters and gauges. Counters
 * are labelled series incremented in place; gauges are read when scraped.
 */

type Kind = "counter" | "gauge";

interface Family {
  readonly kind: Kind;
  readonly help: string;
  readonly series: Map<string, number>;
  readonly read?: () => number;
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(labels).sort().map((k) =>
    `${k}="${labels[k].replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`
  );
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/** A registry of metric families. */
export class Metrics {
  readonly #families = new Map<string, Family>();

  /** Declares a counter; increments to an undeclared name throw. */
  counter(name: string, help: string): void {
    this.#families.set(name, { kind: "counter", help, series: new Map() });
  }

  /** Declares a gauge (or a counter kept elsewhere, with kind "counter") read at scrape time. */
  gauge(name: string, help: string, read: () => number, kind: Kind = "gauge"): void {
    this.#families.set(name, { kind, help, series: new Map(), read });
  }

  /** Adds `by` to one labelled series of a counter. */
  inc(name: string, labels: Readonly<Record<string, string>> = {}, by = 1): void {
    const f = this.#families.get(name);
    if (f === undefined || f.read !== undefined) throw new TypeError(`no counter ${name}`);
    const key = labelText(labels);
    f.series.set(key, (f.series.get(key) ?? 0) + by);
  }

  /** The value of one series (0 if never incremented). */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number {
    const f = this.#families.get(name);
    if (f === undefined) throw new TypeError(`no metric ${name}`);
    return f.read !== undefined ? f.read() : f.series.get(labelText(labels)) ?? 0;
  }

  /** Every family in the text format. */
  render(): string {
    let out = "";
    for (const [name, f] of this.#families) {
      out += `# HELP ${name} ${f.help}\n# TYPE ${name} ${f.kind}\n`;
      if (f.read !== undefined) out += `${name} ${f.read()}\n`;
      else for (const [labels, v] of f.series) out += `${name}${labels} ${v}\n`;
    }
    return out;
  }
}
