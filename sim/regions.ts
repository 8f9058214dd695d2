/**
 * The "regions" network model (`--network regions`): peers placed around the world, with a
 * one-way latency that grows with the distance between them, on top of each one's access
 * link. Where the numbers come from is in docs/simulator.md, "Network models"; in short:
 *
 * - A peer is placed at a random point within {@link SPREAD_KM} of its region's hub city,
 *   the region drawn by the audience shares of {@link REGIONS} (the source sits in
 *   Frankfurt).
 * - The wide-area part of a path's one-way latency is its great-circle distance times 2.1
 *   at the speed of light in fibre (about 200 km per ms): the rule of thumb for Internet
 *   paths quoted by Bozkurt et al., "Dissecting Latency in the Internet's Fiber
 *   Infrastructure" (2017).
 * - Each end adds its access link's one-way delay, by the kind of access a peer's upload
 *   suggests ({@link ACCESS}): half the round trips the FCC's Measuring Broadband America
 *   report measured for fibre (about 12-15 ms) and DSL (about 37-40 ms), cable in between,
 *   each peer within ±20 % of its kind's figure.
 */
import type { Rng } from "../lib/rand.ts";
import { weightedIndex } from "../lib/rand.ts";

/** A region: its hub city and the share of the audience in it. */
export interface Region {
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  readonly share: number;
}

/** The regions, their hubs and audience shares (an assumption: a European broadcast with a worldwide audience). */
export const REGIONS: readonly Region[] = [
  { name: "Europe (Frankfurt)", lat: 50.11, lon: 8.68, share: 0.35 },
  { name: "North America east (New York)", lat: 40.71, lon: -74.01, share: 0.2 },
  { name: "North America west (San Francisco)", lat: 37.77, lon: -122.42, share: 0.1 },
  { name: "South America (São Paulo)", lat: -23.55, lon: -46.63, share: 0.1 },
  { name: "South-east Asia (Singapore)", lat: 1.35, lon: 103.82, share: 0.15 },
  { name: "East Asia (Tokyo)", lat: 35.68, lon: 139.69, share: 0.05 },
  { name: "Oceania (Sydney)", lat: -33.87, lon: 151.21, share: 0.05 },
];

/** Peers of a region lie within this distance of its hub, uniformly over the disc, km. */
export const SPREAD_KM = 1000;
/** Mean Earth radius, km. */
const EARTH_KM = 6371;
/** One-way wide-area latency per km of great-circle distance: 2.1 x path stretch at 200 km/ms. */
export const MS_PER_KM = 2.1 / 200;

/** Kinds of access link: one-way delay, and the uploads (multiples of the stream rate) below which a peer has it. */
export const ACCESS: readonly { kind: string; oneWayMs: number; upTo: number }[] = [
  { kind: "DSL", oneWayMs: 19, upTo: 1 },
  { kind: "cable", oneWayMs: 10, upTo: 2.5 },
  { kind: "fibre", oneWayMs: 6.5, upTo: Infinity },
];

/** Where a node is: a unit vector from the Earth's centre, and its access delay. */
export interface Place {
  readonly region: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly accessMs: number;
}

/**
 * Places a node whose upload is `uploadMult` times the stream rate: in region `region`
 * (drawn by audience share when undefined), near its hub.
 */
export function placeNode(rng: Rng, uploadMult: number, region?: number): Place {
  const r = region ?? weightedIndex(rng, REGIONS.map((g) => g.share));
  const hub = REGIONS[r];
  // A point at distance d (uniform over the disc) and bearing b from the hub.
  const d = SPREAD_KM * Math.sqrt(rng.next()) / EARTH_KM, b = rng.next() * 2 * Math.PI;
  const lat1 = hub.lat * Math.PI / 180, lon1 = hub.lon * Math.PI / 180;
  const lat = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lon = lon1 +
    Math.atan2(
      Math.sin(b) * Math.sin(d) * Math.cos(lat1),
      Math.cos(d) - Math.sin(lat1) * Math.sin(lat),
    );
  const access = ACCESS.find((a) => uploadMult < a.upTo)!;
  return {
    region: r,
    x: Math.cos(lat) * Math.cos(lon),
    y: Math.cos(lat) * Math.sin(lon),
    z: Math.sin(lat),
    accessMs: access.oneWayMs * (0.8 + 0.4 * rng.next()),
  };
}

/** Great-circle distance between two places, km. */
export function distanceKm(a: Place, b: Place): number {
  const dot = a.x * b.x + a.y * b.y + a.z * b.z;
  return EARTH_KM * Math.acos(Math.max(-1, Math.min(1, dot)));
}

/** One-way latency between two places, ms. */
export function placeLatency(a: Place, b: Place): number {
  return a.accessMs + b.accessMs + distanceKm(a, b) * MS_PER_KM;
}
