#!/usr/bin/env node
'use strict';
const { parseOptions } = require('./args');
/**
 * The load run: the same workload against a fresh simulator, first with the guarded
 * client, then with the naive one, under the same faults; then an audit of each run
 * against the simulator's own record of completed exports.
 *
 *   node sim/run.js --help
 *
 * Prints one table row per client, then a table of single faults against the guarded
 * client, and writes report.json, the simulators' JSON logs and the queue files.
 */
const fs = require('fs');
const path = require('path');
const eg = require('../pkg');
const { SimClock } = require('./clock');
const { createSimulator, exportKey } = require('./server');
const { workload } = require('./workload');
const { runGuarded, outcomes } = require('./guarded');
const { spawn } = require('child_process');
const { runNaive } = require('./naive');

/** The faults of the main run (both clients); every duration is simulated. */
const FAULTS = {
  failRate: 0.03, // a job ends FAILED
  transient503Rate: 0.01, // a request gets a transient 503
  restartAfterJobs: 0.4, // once jobs for 40% of the requests exist (or restartAfterMs passed), the service
  restartAfterMs: 300000, // restarts once, losing its active jobs
  rateLimit: { requests: 150, windowMs: 60000 }, // per client; beyond it 429 with...
  retryAfterSeconds: 120, // ...a Retry-After longer than the 60 s backoff cap
};
const NO_FAULTS = { failRate: 0, transient503Rate: 0, restartAfterJobs: null, restartAfterMs: null,
  rateLimit: { requests: 3000, windowMs: 60000 }, retryAfterSeconds: null };

/** One fault at a time, strongly, for the guarded client (the fault table of `./build.sh demo`). */
const FAULT_CASES = {
  'service restart': { ...NO_FAULTS, restartAfterJobs: 0.3 },
  'FAILED jobs (20%)': { ...NO_FAULTS, failRate: 0.2 },
  'Retry-After 120 s > 60 s cap': { ...NO_FAULTS, rateLimit: { requests: 30, windowMs: 60000 }, retryAfterSeconds: 120 },
  'daily limit: 429 with Retry-After of hours': { ...NO_FAULTS, dailyLimit: { requests: 25, windowMs: 1.5 * 3600000 } },
  'recording jobs only: READY → PUT → FULFILLED': { ...NO_FAULTS, mix: { recordingJobs: 1 } },
  'two guarded clients, separate queues (races)': { ...NO_FAULTS, client: 'guarded-pair' },
  'client SIGKILLed after next, before its calls (×3), resumed': { ...NO_FAULTS, client: 'guarded-killed', kills: [1, 2, 3].map((step) => ({ step, point: 'after-next' })) },
  'client SIGKILLed after its calls, before record (×3), resumed': { ...NO_FAULTS, client: 'guarded-killed', kills: [1, 2, 3].map((step) => ({ step, point: 'after-calls' })) },
  'recording jobs, SIGKILLed after their calls (×3): found in the listing': { ...NO_FAULTS, client: 'guarded-killed', mix: { recordingJobs: 1 },
    kills: [1, 2, 3].map((step) => ({ step, point: 'after-calls' })) },
};

/** Runs `node sim/guarded.js` to its end or its kill; resolves to { code, signal, out }. */
function guardedProcess(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'guarded.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

/**
 * The guarded client as separate processes, SIGKILLed at the given points and resumed
 * from the same queue file each time, then run to the end. After each kill the queue
 * file is read: items still leased for a submit are POSTs whose answer was lost (made
 * after-calls: in doubt, at-least-once unless the listing explains them).
 */
async function runKilled(o) {
  const requestsFile = `${o.queueFile}.requests.json`;
  fs.writeFileSync(requestsFile, JSON.stringify(o.requests));
  const args = ['--url', o.baseUrl, '--requests', requestsFile, '--queue', o.queueFile, '--workers', String(o.workers)];
  const kills = [];
  for (const k of o.kills) {
    const r = await guardedProcess([...args, '--kill-at', `${k.step}:${k.point}`]);
    if (r.signal !== 'SIGKILL') {
      if (r.code !== 0) throw new Error(`guarded client failed before its kill (exit ${r.code}): ${r.out}`);
      break; // finished before the kill point
    }
    const state = JSON.parse(fs.readFileSync(o.queueFile, 'utf8'));
    const inDoubt = state.queue.items.filter((i) => i.state === 'submitting' && i.lease && i.lease.action === 'submit');
    kills.push({ ...k, inDoubt: inDoubt.length, inDoubtListable: inDoubt.filter((i) => i.profile === 'recordingJobs').length });
  }
  const last = await guardedProcess(args);
  if (last.code !== 0) throw new Error(`the resumed guarded client did not finish (exit ${last.code}): ${last.out.slice(-2000)}`);
  const state = JSON.parse(fs.readFileSync(o.queueFile, 'utf8'));
  const byStatus = o.sim.stats().byStatus;
  const count = (status, method) => Object.entries(byStatus).filter(([k]) => Number(k.split(' ')[1]) === status && (!method || k.startsWith(`${method} `)))
    .reduce((t, [, n]) => t + n, 0);
  const posts = Object.entries(byStatus).filter(([k]) => k.startsWith('POST ')).reduce((t, [, n]) => t + n, 0);
  const c = state.counters;
  return { client: 'guarded (killed, resumed)', perRequest: outcomes(o.requests, state), kills,
    counts: { posts, c409: count(409), c429: count(429), c503: count(503), c400: count(400), retries: c.retries + c.rechecks + c.resubmits },
    counters: { ...c, kills: kills.length, inDoubt: kills.reduce((t, k) => t + k.inDoubt, 0), inDoubtListable: kills.reduce((t, k) => t + k.inDoubtListable, 0) },
    makespanMs: o.clock.now() - o.startedAt };
}

/** The export (profile, UTC range, sorted channels) a request asks for, computed independently of the clients. */
function expectedKey(request) {
  const { id, ...r } = request;
  const item = eg.enqueue(null, r, {}).item;
  return exportKey(item.profile, Date.parse(item.start), Date.parse(item.end), item.channels.slice().sort());
}

/** A failure reason without its particulars, to count alike ones together. */
function category(reason) {
  let m = /gave up after \d+ attempts: (\d+)/.exec(reason);
  if (m) return `gave up after immediate retries, last answer ${m[1]}`;
  m = /ended (\w+)/.exec(reason);
  if (m) return `job ${m[1]}`;
  if (/vanished/.test(reason)) return 'job lost in the restart (404)';
  return reason.replace(/\d+/g, 'N').slice(0, 80);
}

/** Cross-checks a client's report with the simulator's audit. */
function account(result, audit, requests) {
  const exportedKeys = new Map();
  for (const e of audit.exports) exportedKeys.set(e.key, (exportedKeys.get(e.key) || 0) + 1);
  const wanted = new Map(requests.map((r) => [r.id, expectedKey(r)]));
  const wantedKeys = new Set(wanted.values());
  let exported = 0;
  let failed = 0;
  let lost = 0;
  const lostIds = [];
  const failures = {};
  for (const p of result.perRequest) {
    const key = wanted.get(p.id);
    if (p.status === 'exported' && exportedKeys.has(key)) exported += 1;
    else if (p.status === 'failed' && p.reason) {
      failed += 1;
      const reason = category(p.reason);
      failures[reason] = (failures[reason] || 0) + 1;
    } else {
      lost += 1;
      lostIds.push(p.id);
    }
  }
  const duplicateExports = [...exportedKeys.values()].reduce((t, n) => t + n - 1, 0);
  const unexpected = [...exportedKeys.keys()].filter((k) => !wantedKeys.has(k));
  const exportedOnce = [...wantedKeys].filter((k) => exportedKeys.get(k) === 1).length;
  return { requests: requests.length, uniqueExports: wantedKeys.size, exported, failed, lost, lostIds, failures,
    duplicateExports, duplicateKeys: audit.duplicates.length, unexpected: unexpected.length, exportedOnce,
    restarts: audit.restarts };
}

/**
 * Runs one client against a fresh simulator.
 * @returns {Promise<object>} the client's counts, the accounting, and timings
 */
async function runOne(client, o) {
  const clock = new SimClock({ scale: o.scale });
  const faults = o.faults || NO_FAULTS;
  const logFile = o.outDir ? path.join(o.outDir, `${o.name || client}-sim-log.jsonl`) : null;
  const sim = createSimulator({ clock, seed: o.seed, failRate: faults.failRate, transient503Rate: faults.transient503Rate,
    rateLimit: faults.rateLimit, retryAfterSeconds: faults.retryAfterSeconds, dailyLimit: faults.dailyLimit || null, logFile, keepLog: false });
  const baseUrl = await sim.start(0);
  const realStart = performance.now();
  let restartTimer = null;
  if (faults.restartAfterJobs || faults.restartAfterMs) {
    const at = faults.restartAfterJobs ? Math.ceil(faults.restartAfterJobs * o.requests.length) : Infinity;
    const by = clock.now() + (faults.restartAfterMs || Infinity);
    restartTimer = setInterval(() => {
      if (sim.stats().created >= at || clock.now() >= by) {
        clearInterval(restartTimer);
        sim.restart();
      }
    }, 5);
  }
  const common = { baseUrl, requests: o.requests, clock, workers: o.workers, deadlineMs: o.deadlineMs };
  let result;
  try {
    const dir = o.outDir || fs.mkdtempSync(path.join(require('os').tmpdir(), 'eg-sim-'));
    const queueFile = (suffix) => {
      const f = path.join(dir, `${o.name || client}${suffix}-queue.json`);
      fs.rmSync(f, { force: true });
      return f;
    };
    if (client === 'guarded') {
      result = await runGuarded({ ...common, queueFile: queueFile('') });
    } else if (client === 'guarded-killed') {
      result = await runKilled({ ...common, queueFile: queueFile(''), kills: faults.kills, sim, startedAt: clock.now() });
    } else if (client === 'guarded-pair') {
      // Two guarded clients with separate queues and half the requests each: they only
      // see each other's jobs through the listing, so a POST can race the other's.
      // Requests for the same export go to the same client (as a table keyed by lockKey
      // would ensure); distinct but overlapping ones are spread over both.
      const distinct = [...new Set(o.requests.map(expectedKey))];
      const side = new Map(distinct.map((k, i) => [k, i % 2]));
      const halves = [0, 1].map((k) => o.requests.filter((r) => side.get(expectedKey(r)) === k));
      const workers = Math.max(1, Math.floor(o.workers / 2));
      result = merge(await Promise.all(halves.map((requests, k) => runGuarded({ ...common, requests, workers,
        clientId: `guarded-${k + 1}`, queueFile: queueFile(`-${k + 1}`) }))));
    } else {
      result = await runNaive(common);
    }
  } finally {
    clearInterval(restartTimer);
  }
  const wallMs = performance.now() - realStart;
  const audit = sim.audit();
  await sim.stop();
  const recording = audit.exports.filter((e) => e.profile === 'recordingJobs');
  const duplicatesOf = (profile) => audit.duplicates.filter((d) => d.key.startsWith(`${profile}|`)).reduce((t, d) => t + d.count - 1, 0);
  return { client, ...result.counts, ...account(result, audit, o.requests), makespanMs: result.makespanMs, wallMs, counters: result.counters,
    recordingExports: recording.length, recordingExecuted: recording.filter((e) => e.wasReady && e.executed).length,
    recordingDuplicates: duplicatesOf('recordingJobs'), killPoint: faults.kills ? faults.kills[0].point : undefined };
}

/** One report from several clients' reports. */
function merge(results) {
  const sum = (pick) => results.reduce((t, r) => t + (pick(r) || 0), 0);
  const counts = {};
  for (const k of Object.keys(results[0].counts)) counts[k] = sum((r) => r.counts[k]);
  const counters = {};
  for (const k of Object.keys(results[0].counters)) {
    counters[k] = k === 'maxWaitMs' ? Math.max(...results.map((r) => r.counters[k])) : sum((r) => r.counters[k]);
  }
  return { client: results.map((r) => r.client).join('+'), perRequest: results.flatMap((r) => r.perRequest), counts,
    counters, makespanMs: Math.max(...results.map((r) => r.makespanMs)) };
}

/** The table of a run, as Markdown (`label` names the first column). */
function table(rows, label = 'client') {
  const head = `| ${label} | requests | POSTs | 409 | 429 | 503 | retries | exported | failed (reason given) | lost | duplicate exports | longest wait | makespan (simulated) | wall time |`;
  const sep = '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|';
  const line = (r) => `| ${r.name || r.client} | ${r.requests} | ${r.posts} | ${r.c409} | ${r.c429} | ${r.c503} | ${r.retries} | ${r.exported} | ${r.failed} | ${r.lost} | ${r.duplicateExports} | ${r.counters.maxWaitMs === undefined ? '–' : `${Math.round(r.counters.maxWaitMs / 1000)} s`} | ${(r.makespanMs / 60000).toFixed(1)} min | ${(r.wallMs / 1000).toFixed(1)} s |`;
  return [head, sep, ...rows.map(line)].join('\n');
}

function notes(rows) {
  return rows.map((r) => {
    const why = Object.entries(r.failures).map(([k, v]) => `${v}× ${k}`).join('; ');
    const c = r.counters;
    const extra = c.steps ? `; jobs lost in a restart and resubmitted: ${c.lost}, FAILED jobs resubmitted: ${c.failedJobs}` +
      `; recording jobs exported ${r.recordingExports}, of them through READY and the PUT: ${r.recordingExecuted}` : '';
    const kills = !c.kills ? '' : r.killPoint === 'after-next'
      ? `; ${c.kills} SIGKILL(s) after next: ${c.inDoubt} leased POST(s) never made (${c.inDoubtListable} recording: looked for, ${c.found} found)`
      : `; ${c.kills} SIGKILL(s) after the calls: ${c.inDoubt} POST answer(s) lost (${c.inDoubtListable} recording: looked for in the listing, ${c.found} found; the rest resubmitted, at-least-once)`;
    return `${r.name || r.client}: ${r.uniqueExports} distinct exports wanted, ${r.exportedOnce} exported exactly once, ` +
      `${r.unexpected} unexpected; ${r.restarts} restart(s)${extra}${kills}${why ? `; failures: ${why}` : ''}`;
  }).join('\n');
}

const HELP = `Usage: node sim/run.js [options]

The load run: a workload of random, overlapping export requests over a quarter, run by
the guarded client and then by the naive one, each against a fresh simulator with the
same faults; then one fault at a time against the guarded client. Prints the tables and
writes report.json, the simulators' JSON logs and the guarded client's queue files.

  --requests N   requests in the main run (default 500)
  --workers N    parallel workers / HTTP calls in flight (default 32)
  --scale N      simulated ms per real ms (default 200)
  --seed N       workload and simulator seed (default 7)
  --out DIR      where to write (default out/sim)
  --no-faults    main run without faults
  --no-cases     skip the one-fault-at-a-time table
  --only NAME    main run with one client: guarded or naive`;

async function main(argv) {
  const o = { count: 500, workers: 32, scale: 200, seed: 7, outDir: 'out/sim', faults: FAULTS, cases: true, only: null, deadlineMs: 6 * 3600000 };
  const a = parseOptions(argv, {
    requests: 'count', workers: 'count', scale: 'count', seed: 'count', out: 'string',
    'no-faults': 'boolean', 'no-cases': 'boolean', only: 'string',
  });
  if (a.help) {
    console.log(HELP);
    return;
  }
  if (a.requests !== undefined) o.count = a.requests;
  if (a.workers !== undefined) o.workers = a.workers;
  if (a.scale !== undefined) o.scale = a.scale;
  if (a.seed !== undefined) o.seed = a.seed;
  if (a.out !== undefined) o.outDir = a.out;
  if (a['no-faults']) o.faults = NO_FAULTS;
  if (a['no-cases']) o.cases = false;
  if (a.only !== undefined) o.only = a.only;

  if (o.only && !['guarded', 'naive'].includes(o.only)) throw new Error('--only takes guarded or naive');
  fs.mkdirSync(o.outDir, { recursive: true });
  o.requests = workload({ count: o.count, seed: o.seed });
  const byProfile = {};
  for (const r of o.requests) byProfile[r.profile] = (byProfile[r.profile] || 0) + 1;
  console.log(`Main run: ${o.count} requests (${Object.entries(byProfile).map(([k, v]) => `${v} ${k}`).join(', ')}) ` +
    `over 2026-07-01..2026-10-01, ${o.workers} workers, scale ${o.scale}, seed ${o.seed}\nfaults: ${JSON.stringify(o.faults)}`);
  const rows = [];
  for (const client of ['guarded', 'naive']) {
    if (o.only && o.only !== client) continue;
    rows.push(await runOne(client, o));
  }
  console.log(`\n${table(rows)}\n\n${notes(rows)}`);

  const cases = [];
  if (o.cases) {
    const count = Math.min(o.count, 100);
    const mixed = workload({ count, seed: o.seed + 1 });
    console.log(`\nFault cases: the guarded client, ${count} requests each, one fault at a time, then two guarded clients racing`);
    for (const [name, faults] of Object.entries(FAULT_CASES)) {
      const requests = faults.mix ? workload({ count, seed: o.seed + 1, mix: faults.mix }) : mixed;
      cases.push({ name, ...(await runOne(faults.client || 'guarded', { ...o, requests, faults, name: name.replace(/[^a-z0-9]+/gi, '-').toLowerCase() })) });
      cases[cases.length - 1].name = name;
    }
    console.log(`\n${table(cases, 'fault')}\n\n${notes(cases)}`);
  }
  fs.writeFileSync(path.join(o.outDir, 'report.json'), JSON.stringify({ options: { ...o, requests: undefined }, rows, cases }, null, 2));
  console.log(`\nreport: ${path.join(o.outDir, 'report.json')}; simulator logs and queue files: ${o.outDir}/`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`sim/run.js: ${e.usage ? e.message : e.stack || e.message}`);
    process.exit(e.usage ? 2 : 1);
  });
}

module.exports = { runOne, account, table, expectedKey, FAULTS, NO_FAULTS, FAULT_CASES };
