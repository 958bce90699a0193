#!/usr/bin/env node
'use strict';
// The ServiceNow round (numbers, not a test): processDue over 100 and 300 queued
// evaluation exports in Rhino, compiled (-opt 0) and interpreted (-opt -1), against the
// simulator on loopback; each row the best of three rounds after a warm-up, with the
// share spent in HTTP. maxInDoubt 4 is the default (4 unlistable submits in flight per
// step); 1000 leases every submit of a step at once, as the runner did before the cap.
//   node bench/servicenow-round.js [--quick]
//   node bench/servicenow-round.js --against DIR [--runs N]
// With --against, DIR holds another build's ServiceNow scripts (ExportGuardCore*.js,
// ExportGuard.js, ExportGuardRunner.js: copy pkg/servicenow before a change): the
// 100-item compiled round of each build, alternating, N times (default 5), then the
// medians and their ratio. On a shared machine the absolute times drift by a third
// between runs; the ratio of alternated runs is what a change is judged by, and the
// script thread's CPU time (which leaves out the time other processes take) most of all.
const path = require('path');
const fs = require('fs');
const { parseArgs } = require('util');
const { spawn } = require('child_process');
const { createSimulator } = require('../sim/server');
const { SimClock } = require('../sim/clock');

const root = path.resolve(__dirname, '..');
const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' }, against: { type: 'string' }, runs: { type: 'string' } } });
const quick = Boolean(flags.quick);

function rhino(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('rhino', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`rhino exit ${code}: ${out.slice(-2000)}`))));
  });
}

// Jobs end at once, and the rate limit is out of the way: the round measures the runner.
function simulator() {
  return createSimulator({ clock: new SimClock({ scale: 1 }), queuedMs: 0, runMs: 0, durationJitter: 0, keepLog: false,
    rateLimit: { requests: 1e9, windowMs: 60000 } });
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** This build against the one in `dir`, alternating; prints the medians and their ratio. */
async function against(dir, runs) {
  for (const f of ['ExportGuardCore1.js', 'ExportGuard.js', 'ExportGuardRunner.js']) {
    if (!fs.existsSync(path.join(dir, f))) throw new Error(`--against ${dir}: no ${f} there (copy pkg/servicenow of the other build)`);
  }
  const builds = [['this build', path.join(root, 'pkg', 'servicenow')], ['--against', path.resolve(dir)]];
  const times = builds.map(() => []);
  const cpu = builds.map(() => []);
  const sim = simulator();
  const url = await sim.start(0);
  try {
    for (let i = 0; i < runs; i++) {
      for (const [b, [, scripts]] of builds.entries()) {
        const out = await rhino(['-version', '180', '-opt', '0', path.join(root, 'bench', 'servicenow-round-rhino.js'), root, url, '100', '4', scripts]);
        const r = JSON.parse(out.trim().split('\n').pop());
        times[b].push(r.roundMs);
        cpu[b].push(r.cpuMs);
      }
    }
  } finally {
    await sim.stop();
  }
  for (const [b, [name, scripts]] of builds.entries()) {
    console.log(`${name.padEnd(10)} (${scripts}): 100-item round, median ${median(times[b])} ms of ${runs} (${times[b].join(', ')}); ` +
      `the script thread's CPU time, median ${median(cpu[b])} ms (${cpu[b].join(', ')})`);
  }
  const ratio = median(times[0]) / median(times[1]);
  const cpuRatio = median(cpu[0]) / median(cpu[1]);
  console.log(`this build / --against: ${ratio.toFixed(2)}x the round time, ${cpuRatio.toFixed(2)}x its CPU time`);
  return ratio;
}

async function main() {
  const runs = Number(flags.runs || 5);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number from 1, not ${flags.runs}`);
  if (flags.against) return against(flags.against, runs);
  const sim = simulator();
  const url = await sim.start(0);
  const rows = [];
  try {
    const cases = quick ? [['0', 100, 4]] : [['0', 100, 4], ['0', 300, 4], ['0', 100, 1000], ['-1', 100, 4]];
    for (const [opt, items, doubt] of cases) {
      const out = await rhino(['-version', '180', '-opt', opt, path.join(root, 'bench', 'servicenow-round-rhino.js'), root, url, String(items), String(doubt)]);
      const r = JSON.parse(out.trim().split('\n').pop());
      rows.push({ opt, ...r });
      console.log(`rhino -opt ${opt.padStart(2)}: ${String(items).padStart(3)} items, maxInDoubt ${String(doubt).padStart(4)}: round ${r.roundMs} ms ` +
        `(HTTP ${r.httpMs} ms, script ${r.scriptMs} ms = ${r.scriptMsPerCall} ms a call), ${r.calls} calls in ${r.steps} steps`);
    }
  } finally {
    await sim.stop();
  }
  const a = rows.find((r) => r.opt === '0' && r.items === 100 && r.maxInDoubt === 4);
  const b = rows.find((r) => r.opt === '0' && r.items === 300 && r.maxInDoubt === 4);
  if (a && b) console.log(`300 / 100 items: ${(b.roundMs / a.roundMs).toFixed(2)}x the time for 3x the items (linear: 3x)`);
  return rows;
}

if (require.main === module) main().catch((e) => { console.error(e.stack || e.message); process.exit(1); });
module.exports = { main };
