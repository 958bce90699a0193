#!/usr/bin/env node
'use strict';
// serde-wasm-bindgen against today's path, for object arguments, in one wasm
// (bench/swb): the same contract called with its arguments as one JSON text (the JS
// shim's JSON.stringify, then the core's scanner and serde_json), or as JS values that
// serde-wasm-bindgen reads into serde_json Values. Both answer the same envelope, and
// this script checks that they do. Prints time per call and the ratio, measured side by
// side in one run (the machine is shared: compare ratios, not times).
//
//   node bench/serde-wasm-bindgen.js [--quick]
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const out = path.join(root, 'target', 'swb', 'pkg');
const QUICK = process.argv.includes('--quick');
const BUDGET_MS = QUICK ? 100 : 500;

execFileSync('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--target-dir', '../../target/swb'],
  { cwd: path.join(__dirname, 'swb'), stdio: 'inherit' });
execFileSync('wasm-bindgen', ['--target', 'nodejs', '--out-dir', out, '--no-typescript',
  path.join(root, 'target', 'swb', 'wasm32-unknown-unknown', 'release', 'export_guard_swb.wasm')], { stdio: 'inherit' });
const swb = require(path.join(out, 'export_guard_swb.js'));

function rng(seed) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 4294967296);
}
const YEAR = Date.UTC(2026, 0, 1);
const H = 3600000;
function makeJobs(n, seed) {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const s = YEAR + Math.floor(r() * 360 * 24) * H;
    const p = r();
    const status = p < 0.03 ? 'IN_PROGRESS' : p < 0.05 ? 'QUEUED' : p < 0.9 ? 'COMPLETED' : 'FAILED';
    return { id: 'job-' + i, start: new Date(s).toISOString(), end: new Date(s + (1 + Math.floor(r() * 48)) * H).toISOString(), status, channels: ['sms'] };
  });
}
function makeRequests(n, seed) {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const s = YEAR + Math.floor(r() * 350 * 24) * H;
    return { start: new Date(s).toISOString(), end: new Date(s + (24 + Math.floor(r() * 144)) * H).toISOString(), channels: ['SMS', 'whatsapp'] };
  });
}

function time(fn) {
  fn();
  let n = 0;
  const t0 = process.hrtime.bigint();
  let t;
  do { fn(); n++; t = Number(process.hrtime.bigint() - t0) / 1e6; } while (t < BUDGET_MS);
  return t / n;
}
const fmt = (ms) => (ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`);

const NOW = Date.UTC(2026, 10, 1);
function row(name, op, args) {
  const text = () => swb.call_text(op, JSON.stringify(args), NOW);
  const js = () => swb.call_js(op, args, NOW);
  if (text() !== js()) throw new Error(`${name}: the two paths answer differently`);
  const a = time(text);
  const b = time(js);
  console.log(`${name.padEnd(58)} JSON text ${fmt(a).padStart(10)}   serde-wasm-bindgen ${fmt(b).padStart(10)}   ${(b / a).toFixed(2)}× the time`);
  return b / a;
}

const req = { start: '2026-03-01T00:00:00Z', end: '2026-03-08T00:00:00Z', channels: ['sms'] };
for (const n of [10, 1000, 100000]) row(`decide, ${n.toLocaleString('en')} jobs as an array`, 'decide', [req, makeJobs(n, 7), { now: NOW }]);
row('decideMany, 100 requests × 1,000 jobs', 'decideMany', [makeRequests(100, 3), makeJobs(1000, 9), { now: NOW }]);
const queue = JSON.parse(swb.call_text('enqueueMany', JSON.stringify([null, makeRequests(1000, 5), { now: NOW }]), NOW)).ok.queue;
row('inspectQueue, a 1,000-item queue state, 1,000 jobs', 'inspectQueue', [queue, makeJobs(1000, 11), { now: NOW }]);
row('enqueue, one request into a 1,000-item queue state', 'enqueue', [queue, makeRequests(1, 13)[0], { now: NOW }]);
