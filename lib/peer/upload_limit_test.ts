import { assert, assertEquals } from "../testing.ts";
import { UploadLimit } from "./upload_limit.ts";

/** 20 blocks a second per upload (2 Mbit/s, 12 clubs, about 1,000-byte blocks). */
const PER_UPLOAD = 20;

Deno.test("UploadLimit: none until a backlog, then what the link carried over what one upload needs", () => {
  const l = new UploadLimit(2000);
  l.tick(0, 0, false, PER_UPLOAD, 30);
  l.tick(50, 20, true, PER_UPLOAD, 30); // the first backlogged round: nothing measured yet
  assertEquals(l.value, Infinity);
  assert(!l.reached(500));
  l.tick(100, 32, true, PER_UPLOAD, 30); // 12 blocks in 50 ms: 240 a second, 12 uploads
  assertEquals(l.rate, 240);
  assertEquals(l.value, 12);
  assert(!l.reached(11));
  assert(l.reached(12));
  l.tick(150, 37, true, PER_UPLOAD, 30); // 100 a second: the average moves a fifth of the way
  assertEquals(l.rate, 212);
  assertEquals(l.value, 10);
});

Deno.test("UploadLimit: a round not backlogged at both ends measures nothing", () => {
  const l = new UploadLimit(2000);
  l.tick(0, 0, true, PER_UPLOAD, 5);
  l.tick(50, 100, false, PER_UPLOAD, 5);
  l.tick(100, 100, true, PER_UPLOAD, 5);
  assertEquals(l.value, Infinity);
  l.tick(150, 100, true, 0, 5); // the rate of one upload not known yet
  assertEquals(l.value, Infinity);
  l.tick(200, 101, true, PER_UPLOAD, 5); // 20 a second: one upload, never fewer
  l.tick(250, 101, true, PER_UPLOAD, 5);
  assertEquals(l.value, 1);
});

Deno.test("UploadLimit grows by one per growMs spent at it without a backlog, not below it", () => {
  const l = new UploadLimit(2000);
  l.tick(0, 0, true, PER_UPLOAD, 10);
  l.tick(50, 10, true, PER_UPLOAD, 10); // 200 a second: 10 uploads
  assertEquals(l.value, 10);
  // A round without a backlog, carrying `count` out-of-club uploads.
  const quiet = (at: number, count: number) => l.tick(at, 10, false, PER_UPLOAD, count);
  quiet(1000, 10);
  quiet(2049, 10);
  assertEquals(l.value, 10);
  quiet(2050, 10);
  assertEquals(l.value, 11);
  // Below the limit the clock restarts: 1,500 ms below, then at it again.
  quiet(3550, 9);
  quiet(4000, 11);
  quiet(5549, 11);
  assertEquals(l.value, 11);
  quiet(5550, 11);
  assertEquals(l.value, 12);
  // Backlogged at the limit: no growth, whatever the time.
  l.tick(9000, 10, true, PER_UPLOAD, 12);
  assertEquals(l.value, 12);
});

Deno.test("UploadLimit with growMs 0 is off", () => {
  const l = new UploadLimit(0);
  l.tick(0, 0, true, PER_UPLOAD, 3);
  l.tick(50, 1, true, PER_UPLOAD, 3);
  assertEquals(l.value, Infinity);
  assert(!l.reached(1000));
});
