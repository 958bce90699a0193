'use strict';
/**
 * Simulated time for the Genesys stand-in and its clients.
 *
 * One real millisecond is `scale` simulated milliseconds, so a job that "takes" 20 s
 * finishes in 200 ms of wall time at scale 100, and a Retry-After of 60 s costs 600 ms.
 * Every party of a run (server, clients, export-guard's `now` option) reads the same
 * clock, so delays computed in simulated time stay consistent.
 */
class SimClock {
  /**
   * @param {{ scale?: number, startMs?: number }} [options] scale: simulated ms per real ms
   *   (default 100); startMs: the simulated instant at creation (default: the real now).
   */
  constructor(options = {}) {
    const scale = options.scale === undefined ? 100 : options.scale;
    if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`scale must be a positive number, got ${scale}`);
    this.scale = scale;
    this.startMs = options.startMs === undefined ? Date.now() : options.startMs;
    this.realStart = performance.now();
  }

  /** The simulated instant, in epoch milliseconds (a whole number). */
  now() {
    return Math.floor(this.startMs + (performance.now() - this.realStart) * this.scale);
  }

  /** The simulated instant as an ISO string. */
  iso() {
    return new Date(this.now()).toISOString();
  }

  /** Resolves after `simMs` simulated milliseconds. */
  sleep(simMs) {
    const real = Math.max(0, simMs) / this.scale;
    return new Promise((resolve) => setTimeout(resolve, real));
  }
}

/** A small seeded generator (mulberry32): the same seed gives the same run. */
function rng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = { SimClock, rng };
