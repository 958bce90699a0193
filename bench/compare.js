#!/usr/bin/env node
// Compares two builds of the core side by side in one process, through the raw
// `call(op, argsJson, nowMs)` of their wasm-bindgen Node glue: e.g. the current build
// against one made from an earlier commit, to see what a change costs.
//
//   node bench/compare.js OLD_DIR NEW_DIR [ROUNDS]
//
// Each DIR holds export_guard.js + export_guard_bg.wasm (wasm-bindgen --target nodejs,
// then wasm-opt as build.sh does; pkg/node is the current one). The scenarios alternate
// between the builds, ROUNDS times (default 9), and the medians are printed with their
// ratio; the answers must be byte-identical, or the comparison stops.
'use strict';
const path = require('path');

const [oldDir, newDir, roundsArg] = process.argv.slice(2);
if (!oldDir || !newDir) {
  console.error('usage: node bench/compare.js OLD_DIR NEW_DIR [ROUNDS]');
  process.exit(2);
}
const ROUNDS = Number(roundsArg) || 9;
const builds = [['old', oldDir], ['new', newDir]].map(([name, dir]) => ({ name, call: require(path.resolve(dir, 'export_guard.js')).call }));

function rng(seed) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 4294967296);
}
const YEAR = Date.UTC(2026, 0, 1);
const H = 3600000;
const r = rng(42);
const jobs = [];
for (let i = 0; i < 10000; i++) {
  const s = YEAR + Math.floor(r() * 360 * 24) * H;
  const p = r();
  jobs.push({ id: 'job-' + i, start: new Date(s).toISOString(), end: new Date(s + (1 + Math.floor(r() * 48)) * H).toISOString(),
    status: p < 0.03 ? 'IN_PROGRESS' : p < 0.05 ? 'QUEUED' : p < 0.9 ? 'COMPLETED' : 'FAILED', channels: ['sms'] });
}
const requests = [];
for (let i = 0; i < 1000; i++) {
  const s = YEAR + Math.floor(r() * 350 * 24) * H;
  requests.push({ start: new Date(s).toISOString(), end: new Date(s + (24 + Math.floor(r() * 144)) * H).toISOString(), channels: ['SMS', 'whatsapp'] });
}
const NOW = Date.UTC(2026, 10, 28);
const jobsJson = JSON.stringify([jobs]);

const req = JSON.stringify(requests[0]);
const repeat = (n, f) => () => { let out = ''; for (let i = 0; i < n; i++) out = f(); return out; };
const scenarios = [
  ['decide, 1,000 jobs as an array (x20)', (b) => {
    const args = `[${req},${JSON.stringify(jobs.slice(0, 1000))}]`;
    return { run: repeat(20, () => b.call('decide', args, NOW)), done: () => {} };
  }],
  ['decide, 100 jobs as an array (x200)', (b) => {
    const args = `[${req},${JSON.stringify(jobs.slice(0, 100))}]`;
    return { run: repeat(200, () => b.call('decide', args, NOW)), done: () => {} };
  }],
  ...[1000, 5000].map((n) => [`enqueueMany, ${n.toLocaleString('en')} requests into an empty queue`, (b) => {
    const many = [];
    for (let i = 0; i < n; i++) {
      const s = YEAR + (i % 8000) * H;
      many.push({ start: new Date(s).toISOString(), end: new Date(s + (1 + (i % 5)) * H).toISOString(), channels: ['sms'] });
    }
    const args = JSON.stringify([null, many, { now: NOW }]);
    return { run: () => b.call('enqueueMany', args, NOW), done: () => {} };
  }]),
  ['nextRetry, 7 attempts (x200)', (b) => ({
    run: repeat(200, () => { let o = ''; for (let a = 1; a < 8; a++) o = b.call('nextRetry', `[${a},{"status":503}]`, NOW); return o; }),
    done: () => {},
  })],
  ['decideMany, 1,000 requests × 10,000 prepared jobs', (b) => {
    const h = JSON.parse(b.call('prepareJobs', jobsJson, NOW)).ok;
    const args = JSON.stringify([requests, { $index: h.$index }]);
    return { run: () => b.call('decideMany', args, NOW), done: () => b.call('freeJobs', JSON.stringify([h.$index]), NOW) };
  }],
  ['decideMany, 1,000 requests × 10,000 jobs as an array', (b) => {
    const args = JSON.stringify([requests, jobs]);
    return { run: () => b.call('decideMany', args, NOW), done: () => {} };
  }],
  ['prepareJobs, 10,000 jobs', (b) => ({
    run: () => { const h = JSON.parse(b.call('prepareJobs', jobsJson, NOW)).ok; b.call('freeJobs', JSON.stringify([h.$index]), NOW); return ''; },
    done: () => {},
  })],
];

for (const [name, setup] of scenarios) {
  const times = { old: [], new: [] };
  const answers = {};
  for (let k = 0; k < ROUNDS; k++) {
    for (const b of k % 2 ? builds.slice().reverse() : builds) {
      const s = setup(b);
      s.run(); // warm
      const t0 = process.hrtime.bigint();
      const out = s.run();
      times[b.name].push(Number(process.hrtime.bigint() - t0) / 1e6);
      s.done();
      if (k === 0) answers[b.name] = out.replace(/"\$index":\d+/g, '"$index":_');
    }
  }
  if (answers.old !== answers.new) throw new Error(`${name}: the builds answer differently`);
  const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
  const o = med(times.old), n = med(times.new);
  console.log(`${name.padEnd(56)} old ${o.toFixed(2).padStart(8)} ms   new ${n.toFixed(2).padStart(8)} ms   new/old ${(n / o).toFixed(3)}`);
}
