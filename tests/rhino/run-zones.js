#!/usr/bin/env node
'use strict';
// Every zone through the ServiceNow build in Rhino, against the zone oracle
// (tests/zones/oracle.py: tz/ compiled by zic, read by Python's zoneinfo): a seeded
// sample of local days from 1970 (where the ServiceNow build's zone history starts) to
// 9998. For each day, plan() in Rhino must give the window the oracle gives: from the
// day's first instant to the next day's.
//   node tests/rhino/run-zones.js [--opt -1|0|9] [--days N]
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const root = path.resolve(__dirname, '../..');
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const opt = arg('--opt', '0');
const days = Number(arg('--days', '1800'));

// The zone names, from the oracle (it lists every file zic wrote).
function oracle(requests) {
  const r = spawnSync('python3', [path.join(root, 'tests/zones/oracle.py'), path.join(root, 'tz')], {
    input: requests.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`the zone oracle failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout.trim().split('\n');
}

// xorshift32, so a failure reproduces.
let seed = 0x2f6b1d3;
function below(n) {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed % n;
}

const iso = (d) => d.toISOString().slice(0, 10);
const names = oracle(['names'])[0].split(' ');
const from = Date.UTC(1970, 0, 2);
const span = (Date.UTC(9998, 11, 31) - from) / 86400000;
const cases = [];
const requests = [];
for (let i = 0; i < days; i++) {
  const zone = names[below(names.length)];
  // Nine in ten days before 2100, where the zones' transitions are; the rest up to 9998.
  const n = i % 10 === 9 ? below(span + 1) : below((Date.UTC(2100, 0, 1) - from) / 86400000);
  const day = new Date(from + n * 86400000);
  const next = new Date(day.getTime() + 86400000);
  cases.push({ zone, day: iso(day), next: iso(next) });
  for (const d of [day, next]) requests.push(`day ${zone} ${d.getUTCFullYear()} ${d.getUTCMonth() + 1} ${d.getUTCDate()}`);
}
const answers = oracle(requests);
cases.forEach((c, i) => {
  c.start = new Date(Number(answers[2 * i]) * 1000).toISOString();
  c.end = new Date(Number(answers[2 * i + 1]) * 1000).toISOString();
});
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'export-guard-zones-')), 'cases.json');
fs.writeFileSync(file, JSON.stringify({ names: names.length, cases }));

const child = spawn('rhino', ['-version', '180', '-opt', opt, path.join(root, 'tests/rhino/zones.js'), root, file], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
child.on('exit', (code) => {
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const ok = code === 0 && /^ZONES \d+ days, 0 differ/m.test(out);
  if (!ok) {
    console.error(`run-zones: the Rhino run failed (exit ${code})`);
    process.exit(1);
  }
});
