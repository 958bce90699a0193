#!/usr/bin/env node
'use strict';
// What one step of the lifecycle costs against the queue's size: `next` and `recordMany`
// each read and write the whole queue as JSON. One process, one run, ratios and times of
// this run only (the machine is shared; compare sizes, not runs).
//   node bench/lifecycle.js [sizes...]      (default 100 500 1000 5000; needs ./build.sh)
const eg = require('../pkg');
const { workload } = require('../sim/workload');

function time(fn, reps) {
  fn(); // warm
  const t = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t) / reps;
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows = [];
for (const n of sizes.length ? sizes : [100, 500, 1000, 5000]) {
  const requests = workload({ count: n, seed: 7 }).map(({ id, ...r }) => r);
  const queue = eg.enqueueMany(null, requests, { now: 0 }).queue;
  const opts = { now: 0, integrationId: 'bench' };
  const step = eg.next(queue, null, opts);
  const answers = step.actions.map((a, i) => ({ key: a.key, response: { status: 202, body: a.profile === 'conversationDetailsJobs' ? { jobId: `j${i}` } : { id: `j${i}`, state: 'PENDING', status: 'QUEUED' } } }));
  const reps = Math.max(3, Math.round(2000 / n));
  const next = time(() => eg.next(queue, null, opts), reps);
  const record = time(() => eg.recordMany(step.queue, answers, { now: 1 }), reps);
  const one = time(() => eg.record(step.queue, answers[0].key, answers[0].response, { now: 1 }), reps);
  rows.push({ n, bytes: JSON.stringify(queue).length, actions: step.actions.length, next, record, one });
}
console.log('| queue items | queue JSON | calls due | next | recordMany (all answers) | one record |');
console.log('|--:|--:|--:|--:|--:|--:|');
for (const r of rows) {
  console.log(`| ${r.n} | ${(r.bytes / 1024).toFixed(0)} KB | ${r.actions} | ${r.next.toFixed(1)} ms | ${r.record.toFixed(1)} ms | ${r.one.toFixed(1)} ms |`);
}
const a = rows[0], b = rows[rows.length - 1];
console.log(`\nnext: ${(b.next / a.next).toFixed(1)}× the time for ${(b.n / a.n).toFixed(0)}× the items (linear in the queue: it is read and written whole)`);
