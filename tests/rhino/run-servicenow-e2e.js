#!/usr/bin/env node
'use strict';
// Starts the Genesys simulator on 127.0.0.1, runs the ServiceNow runner end to end in
// Rhino against it (tests/rhino/servicenow-e2e.js, real HTTP through the JVM), and audits
// the simulator's record of exports: every request exported, nothing exported twice but
// for the answers the killed transaction lost on profiles Genesys cannot list (the
// documented at-least-once case), no recording export twice.
//   node tests/rhino/run-servicenow-e2e.js [--opt -1|0|9]
const path = require('path');
const { spawn } = require('child_process');
const { createSimulator } = require('../../sim/server');
const { SimClock } = require('../../sim/clock');

const root = path.resolve(__dirname, '../..');
const opt = process.argv.includes('--opt') ? process.argv[process.argv.indexOf('--opt') + 1] : '-1';

function rhino(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('rhino', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

async function main() {
  // Faults: transient 503s, FAILED jobs (resubmitted), and a restart that loses the
  // active jobs (404 on the next poll: resubmitted) once 10 jobs exist.
  const sim = createSimulator({ clock: new SimClock({ scale: 200 }), seed: 5, keepLog: false, transient503Rate: 0.02, failRate: 0.15 });
  const url = await sim.start(0);
  const restart = setInterval(() => {
    if (sim.stats().created >= 10) {
      clearInterval(restart);
      sim.restart();
    }
  }, 5);
  let r;
  try {
    r = await rhino(['-version', '180', '-opt', opt, path.join(root, 'tests/rhino/servicenow-e2e.js'), root, url]);
  } finally {
    clearInterval(restart);
    await sim.stop();
  }
  const line = r.out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`the Rhino run printed no RESULT (exit ${r.code}):\n${r.out.slice(-4000)}`);
  const result = JSON.parse(line.slice('RESULT '.length));
  const failures = r.out.split('\n').filter((l) => l.startsWith('FAIL '));
  const audit = sim.audit();
  const count = new Map();
  for (const e of audit.exports) count.set(e.key, (count.get(e.key) || 0) + 1);
  const problems = [...failures];
  // The queue key and the simulator's export key have the same form.
  const lostUnlistable = result.lost.filter((l) => !l.startsWith('recordingJobs ') && l.endsWith(' submit')).length;
  let duplicates = 0;
  for (const key of result.keys) {
    const want = 1 + (result.again.includes(key) ? 1 : 0);
    const got = count.get(key) || 0;
    if (got < want) problems.push(`${key}: exported ${got} times, wanted ${want}`);
    if (got > want) {
      duplicates += got - want;
      if (key.startsWith('recordingJobs|')) problems.push(`${key}: a recording export ran ${got} times (the listing should have found it)`);
    }
  }
  if (duplicates > lostUnlistable) problems.push(`${duplicates} duplicate exports, but only ${lostUnlistable} answers were lost`);
  const unexpected = [...count.keys()].filter((k) => !result.keys.includes(k));
  if (unexpected.length) problems.push(`exports nobody asked for: ${unexpected.join(', ')}`);
  const recording = audit.exports.filter((e) => e.profile === 'recordingJobs');
  if (recording.some((e) => !e.wasReady || !e.executed)) problems.push('a recording job was exported without READY → PUT');
  if (!audit.restarts) problems.push('the simulator never restarted: the restart fault tests nothing');
  console.log(`ServiceNow runner in Rhino (-opt ${opt}) against the simulator over HTTP: ${result.passed} checks passed, ` +
    `${audit.restarts} restart(s), FAILED jobs and 503s on; ` +
    `${result.keys.length} items of 3 profiles (3 of them the parts of a bulk request) + 1 re-export, ${audit.exports.length} exports (${recording.length} recording, all through READY → PUT), ` +
    `${result.calls} HTTP calls, ${result.lost.length} answer(s) lost to the killed transaction (${result.lost.join(', ')}), ` +
    `${duplicates} duplicate export(s); events ${JSON.stringify(result.events)}`);
  if (r.code !== 0 || problems.length) {
    console.error(problems.join('\n') || r.out.slice(-4000));
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e.stack || e.message);
  process.exit(1);
});
