#!/usr/bin/env node
'use strict';
// The ServiceNow round (numbers, not a test): processDue over 100 and 300 queued
// evaluation exports in Rhino, compiled (-opt 0) and interpreted (-opt -1), against the
// simulator on loopback; each row the best of three rounds after a warm-up, with the
// share spent in HTTP. maxInDoubt 4 is the default (4 unlistable submits in flight per
// step); 1000 leases every submit of a step at once, as the runner did before the cap.
//   node bench/servicenow-round.js [--quick]
const path = require('path');
const { spawn } = require('child_process');
const { createSimulator } = require('../sim/server');
const { SimClock } = require('../sim/clock');

const root = path.resolve(__dirname, '..');
const quick = process.argv.includes('--quick');

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

async function main() {
  // Jobs end at once, and the rate limit is out of the way: the round measures the runner.
  const sim = createSimulator({ clock: new SimClock({ scale: 1 }), queuedMs: 0, runMs: 0, durationJitter: 0, keepLog: false,
    rateLimit: { requests: 1e9, windowMs: 60000 } });
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
