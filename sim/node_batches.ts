/**
 * The events of one window, node by node. Within a window no node hears from another (a
 * datagram takes at least the window's length to arrive: partition.ts), so each node's
 * events can run in its own order, (time, tie), one node after the other, and the run is
 * the same as in the order of the whole agenda. It is faster: a node's state is loaded into
 * the cache once for its few dozen events of the window, not once per event.
 *
 * The events taken from the agenda go into flat arrays, are grouped by node (a counting
 * sort, which keeps each node's events in the agenda's order), and are handed out node by
 * node; what a node schedules for itself within the window goes to `local`, and is merged
 * in by (time, tie).
 */
import { EventQueue } from "./event_queue.ts";

/** A window's events grouped by node. */
export class NodeBatches {
  #time = new Float64Array(1024);
  #tie = new Float64Array(1024);
  #kind = new Int32Array(1024);
  #node = new Int32Array(1024);
  #size = new Float64Array(1024);
  #ab: unknown[] = [];
  #n = 0;
  /** Events per node while grouping, then the next position of each node's run. */
  #count = new Int32Array(1024);
  /** Each node's run in `#order`: from `#first[node]` to `#first[node] + #runLength`. */
  #first = new Int32Array(1024);
  /** The nodes with events, in the order of their first event. */
  #nodes = new Int32Array(1024);
  #nNodes = 0;
  /** Event indexes, node by node. */
  #order = new Int32Array(1024);
  /** What the node being run scheduled for itself within the window. */
  readonly local = new EventQueue();

  /** Events taken. */
  get length(): number {
    return this.#n;
  }

  /** Nodes with events. */
  get nodes(): number {
    return this.#nNodes;
  }

  /** Takes the event `q.next()` just took (events must come in the agenda's order). */
  take(q: EventQueue): void {
    const i = this.#n;
    if (i === this.#time.length) this.#grow();
    const node = q.node;
    this.#time[i] = q.time;
    this.#tie[i] = q.seq;
    this.#kind[i] = q.kind;
    this.#node[i] = node;
    this.#size[i] = q.size ?? NaN;
    this.#ab[2 * i] = q.a;
    this.#ab[2 * i + 1] = q.b;
    this.#n = i + 1;
    if (node >= this.#count.length) this.#growNodes(node + 1);
    if (this.#count[node]++ === 0) this.#nodes[this.#nNodes++] = node;
  }

  /** Groups the events taken by node; call once, after the last `take`. */
  group(): void {
    let at = 0;
    for (let k = 0; k < this.#nNodes; k++) {
      const node = this.#nodes[k];
      this.#first[node] = at;
      at += this.#count[node];
      this.#count[node] = this.#first[node];
    }
    for (let i = 0; i < this.#n; i++) this.#order[this.#count[this.#node[i]]++] = i;
  }

  /** The `k`th node with events (in the order of its first event). */
  node(k: number): number {
    return this.#nodes[k];
  }

  /** Where node `node`'s events begin in the grouped order. */
  first(node: number): number {
    return this.#first[node];
  }

  /** Where they end (after `group`, each node's count became the end of its run). */
  end(node: number): number {
    return this.#count[node];
  }

  /** The event at position `k` of the grouped order (an index for the getters below). */
  at(k: number): number {
    return this.#order[k];
  }

  /** Event `e`'s time, ms. */
  time(e: number): number {
    return this.#time[e];
  }

  /** Event `e`'s tie number (its order among events of the same time). */
  tie(e: number): number {
    return this.#tie[e];
  }

  /** Event `e`'s kind (partition.ts's event kinds). */
  kind(e: number): number {
    return this.#kind[e];
  }

  /** Event `e`'s size, if it was given one. */
  size(e: number): number | undefined {
    const s = this.#size[e];
    return s === s ? s : undefined;
  }

  /** Event `e`'s first payload. */
  a(e: number): unknown {
    return this.#ab[2 * e];
  }

  /** Event `e`'s second payload. */
  b(e: number): unknown {
    return this.#ab[2 * e + 1];
  }

  /** Empties the window (letting its payloads go). */
  clear(): void {
    for (let k = 0; k < this.#nNodes; k++) this.#count[this.#nodes[k]] = 0;
    this.#ab.fill(undefined, 0, 2 * this.#n);
    this.#n = 0;
    this.#nNodes = 0;
  }

  #grow(): void {
    const n = this.#time.length * 2;
    this.#time = grown(this.#time, new Float64Array(n));
    this.#tie = grown(this.#tie, new Float64Array(n));
    this.#kind = grown(this.#kind, new Int32Array(n));
    this.#node = grown(this.#node, new Int32Array(n));
    this.#size = grown(this.#size, new Float64Array(n));
    this.#order = new Int32Array(n);
  }

  #growNodes(least: number): void {
    let n = this.#count.length;
    while (n < least) n *= 2;
    this.#count = grown(this.#count, new Int32Array(n));
    this.#first = grown(this.#first, new Int32Array(n));
    this.#nodes = grown(this.#nodes, new Int32Array(n));
  }
}

function grown<T extends Float64Array | Int32Array>(old: T, next: T): T {
  next.set(old);
  return next;
}
