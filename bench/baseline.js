// Two plain-JS baselines for the benchmark, both written to be fair, not to lose:
//
// (a) `seed`: the seed's Script Include style. `Date.parse` on every comparison; each
//     function does only what its caller needs: `decide` keeps every overlapping active
//     job (the seed's getActiveExports returns the list), `drain` and `enqueue` stop at
//     the first conflict (`some`).
// (b) `good`: a good plain-JS implementation. Jobs parsed once into sorted arrays with a
//     running maximum of end times, so "does anything overlap?" is a binary search and
//     listing the overlaps scans only the jobs that start before the range ends; the
//     queue is keyed by a Map.
//
// Neither validates, knows time zones or channels, or writes payloads: they handle the
// well-formed instants the benchmark feeds them. Both follow export-guard's release rule
// so that every release can be checked equal: a queued request goes if no active job,
// no request released before it and no earlier request still waiting overlaps it (FIFO,
// no overtaking). Windows are half-open: touching ranges do not conflict.
'use strict';

const ACTIVE = { QUEUED: true, IN_PROGRESS: true };
const isActive = (job) => ACTIVE[String(job.status).toUpperCase()] === true;
const iso = (ms) => new Date(ms).toISOString();

// ------------------------------------------------------------------ (a) the seed's style

const seed = {
  /** The active jobs that overlap the request (the seed's getActiveExports). */
  decide(request, jobs) {
    const conflicts = [];
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[i];
      if (isActive(j) && Date.parse(j.start) < Date.parse(request.end) && Date.parse(request.start) < Date.parse(j.end)) {
        conflicts.push(j.id);
      }
    }
    return { action: conflicts.length ? 'queue' : 'submit', conflicts };
  },

  /** Releases queued requests in order; answers the released ones' positions. */
  drain(queue, jobs) {
    const released = [];
    const held = [];
    const overlaps = (a, b) => Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
    for (let k = 0; k < queue.length; k++) {
      const r = queue[k];
      const blocked = jobs.some((j) => isActive(j) && overlaps(j, r)) ||
        released.some((p) => overlaps(queue[p], r)) || held.some((p) => overlaps(queue[p], r));
      (blocked ? held : released).push(k);
    }
    return released;
  },

  /** Adds requests whose key is not queued yet (a scan of the queue for each). */
  enqueueMany(queue, requests) {
    const out = queue.slice();
    for (const r of requests) {
      const key = iso(Date.parse(r.start)) + '/' + iso(Date.parse(r.end)) + '|' + r.channels.map((c) => c.toLowerCase()).sort().join(',');
      if (!out.some((q) => q.key === key)) out.push({ key, start: r.start, end: r.end, channels: r.channels });
    }
    return out;
  },
};

// ------------------------------------------------------------------ (b) a good plain-JS implementation

/** Active jobs sorted by start, with the running maximum of their ends. */
function prepare(jobs) {
  const act = [];
  for (const j of jobs) if (isActive(j)) act.push({ id: j.id, s: Date.parse(j.start), e: Date.parse(j.end) });
  act.sort((x, y) => x.s - y.s);
  const starts = new Float64Array(act.length);
  const maxEnd = new Float64Array(act.length);
  let m = -Infinity;
  act.forEach((j, i) => { starts[i] = j.s; m = Math.max(m, j.e); maxEnd[i] = m; });
  return { act, starts, maxEnd };
}

/** How many of the sorted `starts` are < x. */
function below(starts, x) {
  let lo = 0, hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Disjoint half-open intervals kept sorted, for "does [s, e) overlap any?" in O(log n). */
class IntervalSet {
  constructor() { this.s = []; this.e = []; }
  overlaps(s, e) {
    const i = below(this.s, e) - 1; // the last interval starting before e
    return i >= 0 && this.e[i] > s;
  }
  /** Adds [s, e), merging what it overlaps or touches. */
  add(s, e) {
    let i = below(this.s, s);
    if (i > 0 && this.e[i - 1] >= s) i--;
    let j = i;
    while (j < this.s.length && this.s[j] <= e) { s = Math.min(s, this.s[j]); e = Math.max(e, this.e[j]); j++; }
    this.s.splice(i, j - i, s);
    this.e.splice(i, j - i, e);
  }
}

const good = {
  prepare,

  /** The active jobs that overlap the request, in start order. */
  decide(request, prepared) {
    const s = Date.parse(request.start);
    const e = Date.parse(request.end);
    const n = below(prepared.starts, e);
    const conflicts = [];
    if (n > 0 && prepared.maxEnd[n - 1] > s) {
      for (let i = 0; i < n; i++) if (prepared.act[i].e > s) conflicts.push(prepared.act[i].id);
    }
    return { action: conflicts.length ? 'queue' : 'submit', conflicts };
  },

  /** As seed.drain, in O((q + j) log(q + j)). */
  drain(queue, prepared) {
    const released = [];
    const taken = new IntervalSet(); // released and held requests: nothing later may overlap them
    for (let k = 0; k < queue.length; k++) {
      const s = Date.parse(queue[k].start);
      const e = Date.parse(queue[k].end);
      const n = below(prepared.starts, e);
      const blocked = (n > 0 && prepared.maxEnd[n - 1] > s) || taken.overlaps(s, e);
      if (!blocked) released.push(k);
      taken.add(s, e);
    }
    return released;
  },

  /** Adds requests whose key is not queued yet: a Map lookup for each. */
  enqueueMany(queue, requests) {
    const out = queue.slice();
    const keys = new Map(out.map((q, i) => [q.key, i]));
    for (const r of requests) {
      const key = iso(Date.parse(r.start)) + '/' + iso(Date.parse(r.end)) + '|' + r.channels.map((c) => c.toLowerCase()).sort().join(',');
      if (!keys.has(key)) { keys.set(key, out.length); out.push({ key, start: r.start, end: r.end, channels: r.channels }); }
    }
    return out;
  },
};

/** 5 s doubling to 60 s, by hand (what both styles write). */
function backoff(attempt) {
  return Math.min(60000, 5000 * Math.pow(2, attempt - 1));
}

module.exports = { seed, good, backoff };
