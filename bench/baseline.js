// The plain-JS approach users have today (the seed's Script Include idea), written
// faithfully so the benchmark compares like with like: for each request, Date.parse
// every job and filter linearly; backoff by hand. No validation, no time zones, no
// channel checks: it only handles well-formed instants, which is all the benchmark feeds it.
'use strict';

const ACTIVE = { QUEUED: true, IN_PROGRESS: true };

function iso(ms) {
  return new Date(ms).toISOString();
}

/** Decides one request: submit with a payload, or queue with conflicts and free windows. */
function decide(request, jobs) {
  const s = Date.parse(request.start);
  const e = Date.parse(request.end);
  const conflicts = [];
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i];
    const status = String(job.status).toUpperCase();
    if (!ACTIVE[status]) continue;
    const js = Date.parse(job.start);
    const je = Date.parse(job.end);
    if (js < e && s < je) conflicts.push({ id: job.id, start: js, end: je });
  }
  const lockKey = iso(s) + '/' + iso(e);
  if (conflicts.length === 0) {
    return {
      action: 'submit', lockKey, conflicts: [], freeWindows: [{ start: iso(s), end: iso(e) }],
      payload: { start_date: iso(s), end_date: iso(e), filter: { channel: request.channels.map((c) => c.toLowerCase()).sort() } },
    };
  }
  const spans = conflicts.map((c) => [c.start, c.end]).sort((a, b) => a[0] - b[0]);
  const free = [];
  let cursor = s;
  for (const [a, b] of spans) {
    if (b <= cursor) continue;
    if (a >= e) break;
    if (a > cursor) free.push({ start: iso(cursor), end: iso(Math.min(a, e)) });
    cursor = Math.max(cursor, b);
  }
  if (cursor < e) free.push({ start: iso(cursor), end: iso(e) });
  return { action: 'queue', lockKey, conflicts: conflicts.map((c) => c.id), freeWindows: free };
}

/** 5 s doubling to 60 s, by hand. */
function backoff(attempt) {
  return Math.min(60000, 5000 * Math.pow(2, attempt - 1));
}

module.exports = { decide, backoff };
