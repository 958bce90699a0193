#!/usr/bin/env node
// Benchmarks export-guard against the plain-JS baseline, side by side in one run, and
// writes bench/RESULTS.md. Prints numbers; asserts only that both compute the same answers.
//   node bench/bench.js [--quick] [--no-rhino]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const { execFileSync, spawnSync } = require('child_process');
const eg = require('../pkg');
const baseline = require('./baseline');

const ROOT = path.join(__dirname, '..');
const QUICK = process.argv.includes('--quick');
const RHINO = !process.argv.includes('--no-rhino'); // --no-rhino: skip the Rhino rows (they take a minute)
const BUDGET_MS = QUICK ? 60 : 400; // time spent per measurement

// ------------------------------------------------------------------ data (seeded)

function rng(seed) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 4294967296);
}
const YEAR = Date.UTC(2026, 0, 1);
const H = 3600000;
function makeJobs(n, seed, activeShare = 0.05) {
  const r = rng(seed);
  const jobs = [];
  for (let i = 0; i < n; i++) {
    const s = YEAR + Math.floor(r() * 360 * 24) * H;
    const len = (1 + Math.floor(r() * 48)) * H;
    const p = r();
    const status = p < activeShare * 0.6 ? 'IN_PROGRESS' : p < activeShare ? 'QUEUED' : p < 0.9 ? 'COMPLETED' : 'FAILED';
    jobs.push({ id: 'job-' + i, start: new Date(s).toISOString(), end: new Date(s + len).toISOString(), status, channels: ['sms'] });
  }
  return jobs;
}
function makeRequests(n, seed) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const s = YEAR + Math.floor(r() * 350 * 24) * H;
    const len = (24 + Math.floor(r() * 6 * 24)) * H;
    out.push({ start: new Date(s).toISOString(), end: new Date(s + len).toISOString(), channels: ['SMS', 'whatsapp'] });
  }
  return out;
}

// ------------------------------------------------------------------ helpers

function time(fn) {
  fn();
  let n = 0;
  const t0 = process.hrtime.bigint();
  let t;
  do {
    fn();
    n++;
    t = Number(process.hrtime.bigint() - t0) / 1e6;
  } while (t < BUDGET_MS);
  return t / n; // ms per call
}

/** Checks export-guard's decision against a baseline's: same action, same conflicts. */
function same(a, b) {
  const ids = (xs) => (xs || []).map((c) => (typeof c === 'string' ? c : c.id)).sort();
  const x = JSON.stringify([a.action, ids(a.conflicts)]);
  const y = JSON.stringify([b.action, ids(b.conflicts)]);
  if (x !== y) throw new Error(`export-guard and a baseline disagree:\n  ${x}\n  ${y}`);
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) + ' ms' : ms >= 1 ? ms.toFixed(2) + ' ms' : (ms * 1000).toFixed(1) + ' µs');
const rows = [];
/**
 * One row: export-guard's time against baseline (a), the seed's style, and (b), a good
 * plain-JS implementation. Ratios are baseline ÷ export-guard (above 1: export-guard is
 * faster), measured in this same run.
 */
function row(scenario, measure, guard, a, b, note) {
  const ra = guard && a ? a / guard : null;
  const rb = guard && b ? b / guard : null;
  rows.push({ scenario, measure, guard, a, b, ra, rb, note: note || '' });
  const r = (x, t) => (x ? ` ${t} ${fmt(x)}` : '');
  console.log(`${scenario.padEnd(58)} ${measure.padEnd(12)} export-guard ${guard === null ? '–' : fmt(guard)}`.padEnd(100) +
    r(a, '(a)') + (ra ? ` ${ra.toFixed(2)}×` : '') + r(b, ' (b)') + (rb ? ` ${rb.toFixed(2)}×` : '') + (note ? `  ${note}` : ''));
}
const seed = baseline.seed;
const good = baseline.good;

// ------------------------------------------------------------------ 1. single decide

for (const n of [10, 1000, 100000]) {
  const jobs = makeJobs(n, n);
  const reqs = makeRequests(50, 7);
  const prepared = eg.prepareJobs(jobs);
  const pb = good.prepare(jobs);
  for (const r of reqs) {
    same(eg.decide(r, jobs), seed.decide(r, jobs));
    same(eg.decide(r, prepared), good.decide(r, pb));
  }
  let i = 0;
  const a = time(() => seed.decide(reqs[i++ % reqs.length], jobs));
  i = 0;
  const b = time(() => good.decide(reqs[i++ % reqs.length], pb));
  i = 0;
  const g = time(() => eg.decide(reqs[i++ % reqs.length], jobs));
  i = 0;
  const p = time(() => eg.decide(reqs[i++ % reqs.length], prepared));
  const goal = n === 1000;
  row(`decide, ${n.toLocaleString('en')} jobs passed as an array`, 'per call', g, a, b, goal ? 'goal: ≤ 3× (a), i.e. ratio (a) ≥ 0.33' : '');
  row(`decide, ${n.toLocaleString('en')} jobs from prepareJobs`, 'per call', p, a, b, goal ? 'goal: ≤ 0.5× (a), i.e. ratio (a) ≥ 2' : '');
  const prep = time(() => eg.prepareJobs(jobs).free());
  row(`prepareJobs, ${n.toLocaleString('en')} jobs`, 'once', prep, null, time(() => good.prepare(jobs)), '(b): its own prepare');
  if (n === 1000) {
    // What a driver holds after the HTTP call is the body's text: given as it is, the core
    // parses it once; the baselines must JSON.parse it first.
    const body = JSON.stringify(jobs);
    for (const r of reqs.slice(0, 5)) same(eg.decide(r, body), seed.decide(r, JSON.parse(body)));
    i = 0;
    const at = time(() => seed.decide(reqs[i++ % reqs.length], JSON.parse(body)));
    i = 0;
    const bt = time(() => good.decide(reqs[i++ % reqs.length], good.prepare(JSON.parse(body))));
    i = 0;
    const gt = time(() => eg.decide(reqs[i++ % reqs.length], body));
    row('decide, 1,000 jobs as the JSON text of an HTTP body', 'per call', gt, at, bt, 'the baselines JSON.parse it first');
  }
  prepared.free();
}

// ------------------------------------------------------------------ 2. batch decide

{
  const jobs = makeJobs(10000, 11);
  const reqs = makeRequests(1000, 13);
  const prepared = eg.prepareJobs(jobs);
  const pb = good.prepare(jobs);
  const many = eg.decideMany(reqs, prepared);
  reqs.forEach((r, k) => { same(many[k], seed.decide(r, jobs)); same(many[k], good.decide(r, pb)); });
  const a = time(() => { for (const r of reqs) seed.decide(r, jobs); });
  const b = time(() => { for (const r of reqs) good.decide(r, pb); });
  const g = time(() => eg.decideMany(reqs, jobs));
  const gp = time(() => eg.decideMany(reqs, prepared));
  prepared.free();
  row('decideMany, 1,000 requests × 10,000 jobs as an array', 'total', g, a, b, 'jobs parsed once per call');
  row('decideMany, 1,000 requests × 10,000 prepared jobs', 'total', gp, a, b, 'goal: ≥ 20× (a)');
}

// ------------------------------------------------------------------ 3. drain

{
  // 0.3% of the jobs active (30): enough free time that some requests go.
  const jobs = makeJobs(10000, 17, 0.003);
  const reqs = makeRequests(1000, 19);
  const queue = eg.enqueueMany(null, reqs, { now: '2026-11-01T00:00:00Z' }).queue;
  const plain = queue.items.map((i) => ({ start: i.start, end: i.end }));
  const prepared = eg.prepareJobs(jobs);
  // maxInDoubt at its limit: the baselines know no in-doubt budget (a runner's default
  // of 4 unlistable submits in flight would hold all but the first four).
  const opts = { now: '2026-11-01T00:00:00Z', maxInDoubt: 10000 };
  const released = (d) => d.submit.map((i) => queue.items.findIndex((q) => q.key === i.key)).join(',');
  const d = eg.drain(queue, jobs, opts);
  const want = released(d);
  if (want !== seed.drain(plain, jobs).join(',') || want !== good.drain(plain, good.prepare(jobs)).join(',')) {
    throw new Error('drain: export-guard and a baseline release different requests');
  }
  const a = time(() => seed.drain(plain, jobs));
  const b = time(() => good.drain(plain, good.prepare(jobs)));
  const pb = good.prepare(jobs);
  const bp = time(() => good.drain(plain, pb));
  const g = time(() => eg.drain(queue, jobs, opts));
  const gp = time(() => eg.drain(queue, prepared, opts));
  // A kept queue changes with each drain (the released items are leased), so every
  // timed drain gets a fresh copy, loaded beforehand; the same requests are released.
  const copies = Array.from({ length: QUICK ? 20 : 100 }, () => eg.loadQueue(queue));
  const dk = eg.drain(copies[0], prepared, opts);
  if (released(dk) !== want) throw new Error('drain of a kept queue releases other requests');
  const t0 = process.hrtime.bigint();
  for (let k = 1; k < copies.length; k++) eg.drain(copies[k], prepared, opts);
  const gk = Number(process.hrtime.bigint() - t0) / 1e6 / (copies.length - 1);
  copies.forEach((c) => c.free());
  prepared.free();
  const bytes = JSON.stringify(d).length;
  row(`drain, 1,000 queued × 10,000 jobs (${d.submit.length} released), JSON queue, jobs as an array`, 'per call', g, a, b, 'goal: no slower than (a); (b) parses its jobs in the call');
  row('drain, the same with prepared jobs (JSON queue)', 'per call', gp, a, bp, '(b) prepared too');
  row('drain, the same with prepared jobs and a kept queue (loadQueue)', 'per call', gk, a, bp, 'goal: ≥ 20× (a), ≥ 2× (b); (b) prepared too');
  row(`drain: answer size, ${d.submit.length} released of 1,000`, 'bytes', null, null, null,
    `${bytes.toLocaleString('en')} B of JSON with a JSON queue, ${JSON.stringify(dk).length.toLocaleString('en')} B with a kept one`);
}

// ------------------------------------------------------------------ 4. enqueueMany

{
  const per = {};
  for (const n of [1000, 10000]) {
    const reqs = makeRequests(n, 23 + n);
    const g = time(() => eg.enqueueMany(null, reqs, { now: '2026-11-01T00:00:00Z' }));
    const b = time(() => good.enqueueMany([], reqs));
    const a = n <= 1000 || !QUICK ? time(() => seed.enqueueMany([], reqs)) : null;
    const got = eg.enqueueMany(null, reqs, { now: '2026-11-01T00:00:00Z' }).queue.items.length;
    if (got !== good.enqueueMany([], reqs).length) throw new Error('enqueueMany: export-guard and (b) keep different counts');
    // Into a kept queue, with compact results: the answer carries the handle and each
    // item's key and seq, not the items (twice) again.
    const gk = time(() => {
      const k = eg.loadQueue(null);
      eg.enqueueMany(k, reqs, { now: '2026-11-01T00:00:00Z', results: 'compact' });
      k.free();
    });
    per[n] = g;
    row(`enqueueMany, ${n.toLocaleString('en')} requests into an empty queue`, 'per call', g, a, b,
      n === 10000 ? `goal: ≤ 3× (b) (a Map), i.e. ratio (b) ≥ 0.33; 10,000 ÷ 1,000 = ${(g / per[1000]).toFixed(1)}× (goal ≤ 12×)` : '');
    row(`enqueueMany, ${n.toLocaleString('en')} requests into an empty kept queue (loadQueue), results 'compact'`, 'per call', gk, a, b,
      n === 10000 ? `the same goal against (b); 10,000 ÷ 1,000 = ${(gk / per[1000 + 'k']).toFixed(1)}×` : '');
    per[n + 'k'] = gk;
  }
}

// ------------------------------------------------------------------ 4b. memory

{
  // Bytes a prepared job keeps in the core: hold lists of n jobs. The first lists also
  // leave the parse's temporaries as free space (reused afterwards, memory never
  // shrinks), so the count starts after 10 lists; 50 more then grow memory by what they
  // keep. Memory grows in 64 KB pages: a million jobs make that rounding small.
  const { wasm_memory_bytes: memoryBytes } = require('../pkg/node/export_guard.js');
  const n = 20000, warm = 10, k = 50;
  const jobs = makeJobs(n, 29).map((j) => ({ ...j, status: j.status === 'FAILED' ? 'COMPLETED' : j.status }));
  const kept = [];
  for (let i = 0; i < warm; i++) kept.push(eg.prepareJobs(jobs));
  const start = memoryBytes();
  for (let i = 0; i < k; i++) kept.push(eg.prepareJobs(jobs));
  const perJob = (memoryBytes() - start) / (n * k);
  kept.forEach((p) => p.free());
  const ids = jobs.reduce((t, j) => t + j.id.length, 0) / n;
  row('memory per prepared job (kept in the core)', 'bytes', null, null, null,
    `${perJob.toFixed(0)} B per job (ids of ${ids.toFixed(0)} characters, one channel)`);
  console.log(`memory per prepared job: ${perJob.toFixed(0)} B`);
  // The same for queue items: kept queues of n queued items (one channel each).
  const state = eg.enqueueMany(null, makeRequests(n, 31), { now: '2026-11-01T00:00:00Z' }).queue;
  const queues = [];
  for (let i = 0; i < warm; i++) queues.push(eg.loadQueue(state));
  const qStart = memoryBytes();
  for (let i = 0; i < k; i++) queues.push(eg.loadQueue(state));
  const perItem = (memoryBytes() - qStart) / (state.items.length * k);
  queues.forEach((q) => q.free());
  row('memory per queue item (a kept queue)', 'bytes', null, null, null,
    `${perItem.toFixed(0)} B per queued item (two channels; its key and lock key are derived, not stored)`);
  console.log(`memory per queue item: ${perItem.toFixed(0)} B`);
}

// ------------------------------------------------------------------ 5. backoff

{
  const g = time(() => { for (let a = 1; a < 8; a++) eg.nextRetry(a, { status: 503 }); });
  const b = time(() => { for (let a = 1; a < 8; a++) baseline.backoff(a); });
  row('backoff: 7 nextRetry calls', 'total', g, b, b, 'the baselines have no classification or Retry-After');
}

// ------------------------------------------------------------------ 6. cold start

{
  const script = `const t0 = process.hrtime.bigint(); const eg = require(${JSON.stringify(path.join(ROOT, 'pkg'))});
    eg.decide({ start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z', channels: ['sms'] }, []);
    process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6));`;
  const runs = [];
  for (let k = 0; k < (QUICK ? 3 : 9); k++) runs.push(Number(execFileSync(process.execPath, ['-e', script]).toString()));
  runs.sort((a, b) => a - b);
  row('cold start: require + instantiate + first decide', 'median of ' + runs.length, runs[runs.length >> 1], null, null, `min ${fmt(runs[0])}, max ${fmt(runs[runs.length - 1])}`);
}

// ------------------------------------------------------------------ 7. the ES5 build

const es5File = path.join(ROOT, 'pkg', 'servicenow', 'ExportGuard.all.js');
{
  const jobs100 = makeJobs(100, 3).map((j, k) => ({ ...j, start: new Date(Date.UTC(2026, 9, 1) + k * 5 * H).toISOString(), end: new Date(Date.UTC(2026, 9, 1) + k * 5 * H + 4 * H).toISOString() }));
  const req = { start: '2026-10-05T00:00:00Z', end: '2026-10-12T00:00:00Z', channels: ['sms'] };
  const ctx = vm.createContext({ Date, Math, JSON, Error, Object, String, Number, Array, isFinite });
  const t0 = process.hrtime.bigint();
  vm.runInContext(fs.readFileSync(es5File, 'utf8') + '\nthis.EG = ExportGuard;', ctx);
  ctx.EG.decide(req, []);
  const first = Number(process.hrtime.bigint() - t0) / 1e6;
  same(ctx.EG.decide(req, jobs100), seed.decide(req, jobs100));
  const per = time(() => ctx.EG.decide(req, jobs100));
  const wasm = time(() => eg.decide(req, jobs100));
  row('ES5 build in Node: load + first decide', 'once', first, null, null);
  row('ES5 build in Node: decide, 100 jobs', 'per call', per, null, null, `wasm build: ${fmt(wasm)}`);
  // Rhino: interpreted (-opt -1), compiled at its default level (0) and at 9. Budgets
  // from the ServiceNow-speed issue; bench/rhino.js says what each number measures.
  for (const [opt, label] of RHINO ? [['-1', 'interpreted'], ['0', 'compiled, -opt 0'], ['9', 'compiled, -opt 9']] : []) {
    const r = spawnSync('rhino', ['-version', '180', '-opt', opt, path.join(ROOT, 'bench', 'rhino.js'), ROOT], { encoding: 'utf8' });
    let m = null;
    try { m = JSON.parse((r.stdout || '').trim().split('\n').pop()); } catch (_) { /* reported below */ }
    if (!m) { console.log(`rhino -opt ${opt} failed: ${r.error || r.stderr}`); continue; }
    const compiled = opt !== '-1';
    const tag = `Rhino (${label}${compiled && !m.compiled ? ', FELL BACK TO THE INTERPRETER' : ''})`;
    row(`${tag}: load + first decide, fresh JVM`, 'once', m.coldLoadMs, null, null, 'includes the JVM warming up');
    row(`${tag}: load + first decide, warm JVM`, 'best of 3', m.warmLoadMs, null, null, `budget ≤ ${compiled ? 300 : 600} ms; scripts compiled again`);
    row(`${tag}: load + first decide, compiled scripts cached`, 'best of 3', m.cachedLoadMs, null, null, 'top levels only');
    row(`${tag}: decide, 100 jobs as an array`, 'per call', m.decide100Ms, null, null, `budget ≤ ${compiled ? 20 : 80} ms`);
    row(`${tag}: nextRetry (429, Retry-After)`, 'per call', m.nextRetryMs, null, null, compiled ? 'budget ≤ 2 ms' : '');
  }
}

// ------------------------------------------------------------------ 8. sizes

const gz = (f) => require('zlib').gzipSync(fs.readFileSync(f), { level: 9 }).length;
const sizes = [
  ['pkg/web/export_guard_bg.wasm', 'wasm (Node and web)'],
  ['pkg/node/export_guard.js', 'wasm-bindgen glue, Node'],
  ['pkg/web/export_guard.js', 'wasm-bindgen glue, web'],
  ['pkg/index.js', 'Node entry (shim)'],
  ['pkg/web/index.js', 'web entry (shim)'],
  ...fs.readdirSync(path.join(ROOT, 'pkg', 'servicenow')).filter((f) => /^ExportGuardCore\d+\.js$/.test(f)).sort()
    .map((f) => [`pkg/servicenow/${f}`, 'ES5, ServiceNow: core part']),
  ['pkg/servicenow/ExportGuard.js', 'ES5, ServiceNow: main script'],
].map(([f, what]) => ({ f, what, raw: fs.statSync(path.join(ROOT, f)).size, gz: gz(path.join(ROOT, f)) }));
const snTotal = sizes.filter((s) => s.f.startsWith('pkg/servicenow/')).reduce((t, s) => t + s.raw, 0);
console.log(`size ServiceNow scripts in all: ${snTotal} B (budget ≤ 600 KB split)`);
for (const s of sizes) console.log(`size ${s.what.padEnd(28)} ${String(s.raw).padStart(8)} B raw ${String(s.gz).padStart(8)} B gzip`);

// ------------------------------------------------------------------ RESULTS.md

const rustc = (() => { try { return execFileSync('rustc', ['--version']).toString().trim(); } catch (_) { return 'rustc ?'; } })();
const rhinoVersion = (() => { try { return spawnSync('rhino', ['-e', 'print(org.mozilla.javascript.Context.getCurrentContext().getImplementationVersion())'], { encoding: 'utf8' }).stdout.trim(); } catch (_) { return '?'; } })();
const md = `# Benchmark results

Produced by \`./build.sh bench\` (\`node bench/bench.js${QUICK ? ' --quick' : ''}\`) on ${new Date().toISOString().slice(0, 10)}.
Machine: ${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}.
Versions: Node ${process.version}, ${rustc}, export-guard ${eg.version()}, ${rhinoVersion}.

The machine is shared and noisy: compare the ratios, measured side by side in one run,
rather than absolute times. Every figure is set against two plain-JS baselines
(\`bench/baseline.js\`), each checked to give the same answers as export-guard on the
benchmark data before timing (conflicts of every decision, the requests each drain
releases, the number of items each enqueue keeps):

- **(a) the seed's style**: \`Date.parse\` on every comparison; \`decide\` keeps every
  overlapping active job, \`drain\` and \`enqueue\` stop at the first conflict (\`some\`).
- **(b) a good plain-JS implementation**: jobs parsed once, sorted, with a running
  maximum of end times (a binary search answers "does anything overlap?"), the queue
  keyed by a \`Map\`.

Neither validates input, knows time zones or channels, or writes payloads; export-guard
does all of that in the times below. A ratio is baseline ÷ export-guard: above 1,
export-guard is faster.

| scenario | measure | export-guard | (a) seed style | ratio (a) | (b) good plain JS | ratio (b) | note |
|---|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.scenario} | ${r.measure} | ${r.guard === null ? '–' : fmt(r.guard)} | ${r.a ? fmt(r.a) : '–'} | ${r.ra ? r.ra.toFixed(2) + '×' : '–'} | ${r.b ? fmt(r.b) : '–'} | ${r.rb ? r.rb.toFixed(2) + '×' : '–'} | ${r.note} |`).join('\n')}

## Sizes

| file | what | raw | gzip |
|---|---|---|---|
${sizes.map((s) => `| \`${s.f}\` | ${s.what} | ${s.raw.toLocaleString('en')} B | ${s.gz.toLocaleString('en')} B |`).join('\n')}
| ServiceNow scripts in all | budget ≤ 600 KB (split) | ${snTotal.toLocaleString('en')} B | |
`;
fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), md);
console.log('wrote bench/RESULTS.md');
