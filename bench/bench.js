#!/usr/bin/env node
// Benchmarks export-guard against the plain-JS baseline, side by side in one run, and
// writes bench/RESULTS.md. Prints numbers; asserts only that both compute the same answers.
//   node bench/bench.js [--quick]
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
const BUDGET_MS = QUICK ? 60 : 400; // time spent per measurement

// ------------------------------------------------------------------ data (seeded)

function rng(seed) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 4294967296);
}
const YEAR = Date.UTC(2026, 0, 1);
const H = 3600000;
function makeJobs(n, seed) {
  const r = rng(seed);
  const jobs = [];
  for (let i = 0; i < n; i++) {
    const s = YEAR + Math.floor(r() * 360 * 24) * H;
    const len = (1 + Math.floor(r() * 48)) * H;
    const p = r();
    const status = p < 0.03 ? 'IN_PROGRESS' : p < 0.05 ? 'QUEUED' : p < 0.9 ? 'COMPLETED' : 'FAILED';
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

/** export-guard's answer in the baseline's shape, to check both agree. */
function same(a, b) {
  const conflicts = (a.conflicts || []).map((c) => (typeof c === 'string' ? c : c.id));
  const free = (a.freeWindows || []).map((w) => ({ start: w.start, end: w.end }));
  const x = JSON.stringify([a.action, a.lockKey, conflicts, free]);
  const y = JSON.stringify([b.action, b.lockKey, b.conflicts, b.freeWindows]);
  if (x !== y) throw new Error(`export-guard and the baseline disagree:\n  ${x}\n  ${y}`);
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) + ' ms' : ms >= 1 ? ms.toFixed(2) + ' ms' : (ms * 1000).toFixed(1) + ' µs');
const rows = [];
function row(scenario, measure, guard, base, note) {
  const ratio = guard && base ? base / guard : null;
  rows.push({ scenario, measure, guard, base, ratio, note: note || '' });
  console.log(`${scenario.padEnd(46)} ${measure.padEnd(18)} export-guard ${guard === null ? '–' : fmt(guard)}`.padEnd(96) +
    (base ? ` baseline ${fmt(base)}  (${ratio.toFixed(2)}× ${ratio >= 1 ? 'faster' : 'slower'})` : '') + (note ? `  ${note}` : ''));
}

// ------------------------------------------------------------------ 1. single decide

for (const n of [10, 1000, 100000]) {
  const jobs = makeJobs(n, n);
  const reqs = makeRequests(50, 7);
  const prepared = eg.prepareJobs(jobs);
  for (const r of reqs) {
    same(eg.decide(r, jobs), baseline.decide(r, jobs));
    same(eg.decide(r, prepared), baseline.decide(r, jobs));
  }
  let i = 0;
  const b = time(() => baseline.decide(reqs[i++ % reqs.length], jobs));
  i = 0;
  const g = time(() => eg.decide(reqs[i++ % reqs.length], jobs));
  i = 0;
  const p = time(() => eg.decide(reqs[i++ % reqs.length], prepared));
  row(`single decide, ${n.toLocaleString('en')} jobs (Node), jobs as an array`, 'per call', g, b, 'JSON-encodes and parses every job on every call');
  row(`single decide, ${n.toLocaleString('en')} jobs (Node), prepareJobs once`, 'per call', p, b);
  const prep = time(() => eg.prepareJobs(jobs).free());
  row(`prepareJobs, ${n.toLocaleString('en')} jobs`, 'once', prep, null);
  prepared.free();
}

// ------------------------------------------------------------------ 2. batch triage

{
  const jobs = makeJobs(10000, 11);
  const reqs = makeRequests(1000, 13);
  const many = eg.decideMany(reqs, jobs);
  reqs.forEach((r, k) => same(many[k], baseline.decide(r, jobs)));
  const g = time(() => eg.decideMany(reqs, jobs));
  const b = time(() => { for (const r of reqs) baseline.decide(r, jobs); });
  const loop = time(() => { for (const r of reqs.slice(0, 50)) eg.decide(r, jobs); }) * (reqs.length / 50);
  const prepared = eg.prepareJobs(jobs);
  const gp = time(() => eg.decideMany(reqs, prepared));
  const lp = time(() => { for (const r of reqs) eg.decide(r, prepared); });
  prepared.free();
  row('batch: 1,000 requests × 10,000 jobs', 'total (decideMany)', g, b, 'jobs parsed once per call');
  row('batch: same, decideMany on prepared jobs', 'total', gp, b);
  row('batch: same, 1,000 decide calls on prepared jobs', 'total', lp, b);
  row('batch: same, repeated decide (re-parses jobs)', 'total (estimated)', loop, b, 'from 50 calls × 20');
}

// ------------------------------------------------------------------ 3. backoff

{
  const g = time(() => { for (let a = 1; a < 8; a++) eg.nextRetry(a, { status: 503 }); });
  const b = time(() => { for (let a = 1; a < 8; a++) baseline.backoff(a); });
  row('backoff: 7 nextRetry calls', 'total', g, b, 'the baseline has no classification or Retry-After');
}

// ------------------------------------------------------------------ 4. cold start

{
  const script = `const t0 = process.hrtime.bigint(); const eg = require(${JSON.stringify(path.join(ROOT, 'pkg'))});
    eg.decide({ start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z', channels: ['sms'] }, []);
    process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6));`;
  const runs = [];
  for (let k = 0; k < (QUICK ? 3 : 9); k++) runs.push(Number(execFileSync(process.execPath, ['-e', script]).toString()));
  runs.sort((a, b) => a - b);
  row('cold start: require + instantiate + first decide', 'median of ' + runs.length, runs[runs.length >> 1], null, `min ${fmt(runs[0])}, max ${fmt(runs[runs.length - 1])}`);
}

// ------------------------------------------------------------------ 5. the ES5 build

const es5File = path.join(ROOT, 'pkg', 'servicenow', 'ExportGuard.all.js');
{
  const jobs100 = makeJobs(100, 3).map((j, k) => ({ ...j, start: new Date(Date.UTC(2026, 9, 1) + k * 5 * H).toISOString(), end: new Date(Date.UTC(2026, 9, 1) + k * 5 * H + 4 * H).toISOString() }));
  const req = { start: '2026-10-05T00:00:00Z', end: '2026-10-12T00:00:00Z', channels: ['sms'] };
  const ctx = vm.createContext({ Date, Math, JSON, Error, Object, String, Number, Array, isFinite });
  const t0 = process.hrtime.bigint();
  vm.runInContext(fs.readFileSync(es5File, 'utf8') + '\nthis.EG = ExportGuard;', ctx);
  ctx.EG.decide(req, []);
  const first = Number(process.hrtime.bigint() - t0) / 1e6;
  same(ctx.EG.decide(req, jobs100), baseline.decide(req, jobs100));
  const per = time(() => ctx.EG.decide(req, jobs100));
  const wasm = time(() => eg.decide(req, jobs100));
  row('ES5 build in Node: load + first decide', 'once', first, null);
  row('ES5 build in Node: decide, 100 jobs', 'per call', per, null, `wasm build: ${fmt(wasm)}`);
  // Rhino: interpreted (-opt -1), compiled at its default level (0) and at 9. Budgets
  // from the ServiceNow-speed issue; bench/rhino.js says what each number measures.
  for (const [opt, label] of [['-1', 'interpreted'], ['0', 'compiled, -opt 0'], ['9', 'compiled, -opt 9']]) {
    const r = spawnSync('rhino', ['-version', '180', '-opt', opt, path.join(ROOT, 'bench', 'rhino.js'), ROOT], { encoding: 'utf8' });
    let m = null;
    try { m = JSON.parse((r.stdout || '').trim().split('\n').pop()); } catch (_) { /* reported below */ }
    if (!m) { console.log(`rhino -opt ${opt} failed: ${r.error || r.stderr}`); continue; }
    const compiled = opt !== '-1';
    const tag = `Rhino (${label}${compiled && !m.compiled ? ', FELL BACK TO THE INTERPRETER' : ''})`;
    row(`${tag}: load + first decide, fresh JVM`, 'once', m.coldLoadMs, null, 'includes the JVM warming up');
    row(`${tag}: load + first decide, warm JVM`, 'best of 3', m.warmLoadMs, null, `budget ≤ ${compiled ? 300 : 600} ms; scripts compiled again`);
    row(`${tag}: load + first decide, compiled scripts cached`, 'best of 3', m.cachedLoadMs, null, 'top levels only');
    row(`${tag}: decide, 100 jobs as an array`, 'per call', m.decide100Ms, null, `budget ≤ ${compiled ? 20 : 80} ms`);
    row(`${tag}: nextRetry (429, Retry-After)`, 'per call', m.nextRetryMs, null, compiled ? 'budget ≤ 2 ms' : '');
  }
}

// ------------------------------------------------------------------ 6. sizes

const gz = (f) => require('zlib').gzipSync(fs.readFileSync(f), { level: 9 }).length;
const sizes = [
  ['pkg/node/export_guard_bg.wasm', 'wasm (Node and web)'],
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
rather than absolute times. Every export-guard answer was checked equal to the
baseline's (action, lock key, conflicts, free windows) on the benchmark data before timing.
The baseline (\`bench/baseline.js\`) is the plain-JS approach of the seed: \`Date.parse\`
every job for every request, filter linearly, back off by hand; it validates nothing.

| scenario | measure | export-guard | baseline | ratio (baseline ÷ export-guard) | note |
|---|---|---|---|---|---|
${rows.map((r) => `| ${r.scenario} | ${r.measure} | ${r.guard === null ? '–' : fmt(r.guard)} | ${r.base ? fmt(r.base) : '–'} | ${r.ratio ? r.ratio.toFixed(2) + '×' : '–'} | ${r.note} |`).join('\n')}

## Sizes

| file | what | raw | gzip |
|---|---|---|---|
${sizes.map((s) => `| \`${s.f}\` | ${s.what} | ${s.raw.toLocaleString('en')} B | ${s.gz.toLocaleString('en')} B |`).join('\n')}
| ServiceNow scripts in all | budget ≤ 600 KB (split) | ${snTotal.toLocaleString('en')} B | |
`;
fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), md);
console.log('wrote bench/RESULTS.md');
