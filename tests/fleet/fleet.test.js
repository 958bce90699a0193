'use strict';
// The fleet: 4 `export-guard run` processes ("CI machines") share one queue, against the
// simulator with its faults (429s, 503s, FAILED jobs, a restart) and two OAuth clients.
// Two of them are SIGKILLed at random moments and started again, and PostgreSQL itself
// restarts mid-run. The simulator's audit must show: every request exported or failed
// with a reason; no 409 from an overlap but where an answer was lost; the recording
// limit held; every READY job executed by its creator; duplicate exports only where a
// killed runner lost a submit answer on a profile Genesys cannot list, each of them
// named by a summary. The same run with the file store, 4 processes on one machine.
//
// Prints the audit table (the docs carry one from a real run).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { createSimulator } = require('../../sim/server');
const { SimClock } = require('../../sim/clock');
const { workload } = require('../../sim/workload');
const { startCluster } = require('../pg/cluster');
const { openStore } = require('../../pkg/bin/stores');
const eg = require('../../pkg');

const bin = path.join(__dirname, '..', '..', 'pkg', 'bin', 'export-guard.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eg-fleet-'));
const CLIENTS = [{ clientId: 'ci-a', clientSecret: 'fleet-secret-a-51c9' }, { clientId: 'ci-b', clientSecret: 'fleet-secret-b-77e2' }];
const options = path.join(tmp, 'options.json');
fs.writeFileSync(options, JSON.stringify({ integrationId: 'sim-s3-integration', pollMs: 150, leaseMs: 2000,
  policy: { initialMs: 200, maxMs: 1000, maxAttempts: 14 } }));

/** 48 requests over the three profiles, many overlapping; runner r gets its share and some of the next runner's. */
function shares() {
  const all = workload({ count: 48, seed: 31, days: 20, maxDays: 6 });
  return [0, 1, 2, 3].map((r) => {
    const mine = all.filter((_, i) => i % 4 === r);
    const shared = all.filter((_, i) => i % 4 === (r + 1) % 4).slice(0, 3);
    const file = path.join(tmp, `requests-${r}.json`);
    fs.writeFileSync(file, JSON.stringify([...mine, ...shared]));
    return { file, requests: [...mine, ...shared] };
  });
}

function runner(r, store, url, file) {
  const creds = CLIENTS[r < 2 ? 0 : 1];
  const env = { ...process.env, GENESYS_CLIENT_ID: creds.clientId, GENESYS_CLIENT_SECRET: creds.clientSecret };
  const child = spawn(process.execPath, [bin, 'run', '--store', store, '--requests', file, '--base-url', url, '--options', options,
    '--json', '--max-wait', '3m'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const done = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, pid: child.pid })));
  return { child, done };
}

function summaryOf(out) {
  const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{"type":"summary"'));
  return line ? JSON.parse(line) : null;
}

/**
 * The whole fleet run on one store; resolves to the audit. `restartStore` restarts the
 * store's server midway (PostgreSQL), if given.
 */
async function fleet(storeUrl, { restartStore } = {}) {
  const sim = createSimulator({ clock: new SimClock({ scale: 1 }), queuedMs: 100, runMs: 400, keepLog: true, seed: 8,
    credentials: CLIENTS, tokenTtlSeconds: 3600, failRate: 0.05, transient503Rate: 0.03,
    rateLimit: { requests: 15, windowMs: 1000 }, retryAfterSeconds: 1, postLatencyMs: 120 });
  const url = await sim.start(0);
  const jobs = shares();
  const store = openStore(storeUrl, { readJson: (f) => JSON.parse(fs.readFileSync(f, 'utf8')) });
  const restart = setInterval(() => {
    if (sim.stats().created >= 20) {
      clearInterval(restart);
      sim.restart();
    }
  }, 20);
  const timers = [];
  try {
    const runs = jobs.map((j, r) => runner(r, storeUrl, url, j.file));
    // Runners 1 and 3 are SIGKILLed at a random moment once they have a submit of a
    // profile Genesys cannot list in flight (so that the kill loses answers), or after
    // 8 s whatever they do, then started again.
    const kills = [];
    const holding = async (pid) => {
      const state = await store.read().catch(() => null);
      return ((state && state.items) || []).some((i) => i.state === 'submitting' && i.lease && i.lease.action === 'submit' &&
        i.profile !== 'recordingJobs' && i.lease.runner === `${os.hostname()}:${pid}`);
    };
    const restarted = [1, 3].map((r) => new Promise((resolve) => {
      timers.push(setTimeout(async () => {
        const pid = runs[r].child.pid;
        for (const until = Date.now() + 8000; Date.now() < until && !(await holding(pid));) await new Promise((w) => setTimeout(w, 25));
        runs[r].child.kill('SIGKILL');
        const first = await runs[r].done;
        const state = await store.read();
        const mine = ((state && state.items) || []).filter((i) => i.state === 'submitting' && i.lease && i.lease.action === 'submit' &&
          i.lease.runner === `${os.hostname()}:${pid}`);
        kills.push({ runner: r, signal: first.signal, out: first.out, inDoubt: mine.filter((i) => i.profile !== 'recordingJobs').map((i) => i.key),
          inDoubtListable: mine.filter((i) => i.profile === 'recordingJobs').length });
        runs[r] = runner(r, storeUrl, url, jobs[r].file);
        resolve();
      }, 300 + Math.floor(Math.random() * 1500)));
    }));
    if (restartStore) timers.push(setTimeout(() => restartStore(), 2500));
    await Promise.all(restarted);
    const results = await Promise.all(runs.map((x) => x.done));
    const state = await store.read();
    return { sim, results, kills, state, jobs };
  } finally {
    clearInterval(restart);
    timers.forEach(clearTimeout);
    await store.close();
    await sim.stop();
  }
}

/** The audit of one fleet run, checked and printed as a table row. */
function audit(label, { sim, results, kills, state, jobs }) {
  for (const [r, x] of results.entries()) assert.equal(x.code, 0, `runner ${r} exit ${x.code}${x.signal ? ` (${x.signal})` : ''}: ${x.out.slice(-3000)}`);
  assert.equal(kills.length, 2);
  for (const k of kills) assert.equal(k.signal, 'SIGKILL', `runner ${k.runner} finished before its kill: the test tests little`);
  const inspected = eg.inspectQueue(state, null, { listing: false });
  const newest = new Map(inspected.items.map((i) => [i.key, i]));
  const wanted = new Set();
  for (const j of jobs) for (const r of j.requests) wanted.add(eg.enqueue(null, (({ id, ...x }) => x)(r), {}).item.key);
  for (const key of wanted) {
    const item = newest.get(key);
    assert.ok(item, `${key} is not in the queue`);
    assert.ok(item.outcome === 'exported' || (item.outcome === 'failed' && item.reason), `${key}: ${item.outcome} ${item.reason || ''}`);
  }
  const count = new Map();
  for (const e of sim.audit().exports) count.set(e.key, (count.get(e.key) || 0) + 1);
  for (const key of count.keys()) assert.ok(wanted.has(key), `an export nobody asked for: ${key}`);
  const exported = [...wanted].filter((k) => newest.get(k).outcome === 'exported');
  for (const k of exported) assert.ok(count.get(k) >= 1, `${k} reported exported, but the simulator exported nothing`);
  const duplicated = [...count].filter(([, n]) => n > 1).map(([k]) => k);
  // A submit's answer is also lost when a live runner's lease ran out before the answer
  // came (a loaded machine): the core resubmits, and the late answer is refused as stale,
  // which the runner reports as a `stale` event.
  const stale = new Set();
  for (const out of [...results.map((x) => x.out), ...kills.map((k) => k.out)]) {
    for (const l of out.split('\n')) {
      const e = l.startsWith('{"type":"event"') ? JSON.parse(l) : null;
      if (e && e.event === 'stale' && e.action === 'submit') stale.add(e.key);
    }
  }
  const inDoubt = new Set([...kills.flatMap((k) => k.inDoubt), ...stale]);
  const duplicates = [...count.values()].reduce((t, n) => t + n - 1, 0);
  for (const k of duplicated) {
    assert.ok(!k.startsWith('recordingJobs|'), `a recording export ran twice: ${k}`);
    assert.ok(inDoubt.has(k), `${k} ran twice, but no runner lost its submit answer (killed, or reported stale)`);
  }
  for (const k of kills) assert.ok(k.inDoubt.length <= 4, `runner ${k.runner} had ${k.inDoubt.length} unlistable submits in flight (maxInDoubt 4)`);
  // Each export that may have run twice is named by a summary.
  const named = new Set();
  for (const x of results) {
    const s = summaryOf(x.out);
    for (const id of (s && s.mayHaveRunTwice) || []) named.add(s.items.find((i) => i.id === id).key);
  }
  for (const k of duplicated) assert.ok(named.has(k), `${k} ran twice and no summary says it may have`);
  const stats = sim.stats();
  const log = sim.log.filter((e) => e.type === 'request');
  const overlap409 = log.filter((e) => e.status === 409 && e.path === '/api/v2/quality/evaluationexports').length;
  const inDoubtEval = [...inDoubt].filter((k) => k.startsWith('evaluationExports|')).length;
  assert.ok(overlap409 <= inDoubtEval, `${overlap409} overlap 409s, ${inDoubtEval} evaluation submits in doubt`);
  assert.equal(stats.limitRefusals.recordingJobs || 0, 0, 'a recording job beyond the limit of 2 was submitted');
  assert.equal(stats.foreignPuts, 0, 'a READY job was executed by another client than its creator');
  const recording = sim.audit().exports.filter((e) => e.profile === 'recordingJobs');
  assert.ok(recording.length > 0 && recording.every((e) => e.wasReady && e.executed));
  assert.ok(stats.restarts === 1);
  const c = (s) => Object.entries(stats.byStatus).filter(([k]) => k.endsWith(` ${s}`)).reduce((t, [, n]) => t + n, 0);
  const row = { store: label, requests: jobs.reduce((t, j) => t + j.requests.length, 0), exports: wanted.size,
    exported: exported.length, failed: wanted.size - exported.length, duplicates, inDoubt: inDoubt.size, stale: stale.size,
    overlap409, recordingLimitRefusals: stats.limitRefusals.recordingJobs || 0, foreignPuts: stats.foreignPuts,
    calls: Object.values(stats.byStatus).reduce((t, n) => t + n, 0), c429: c(429), c503: c(503), restarts: stats.restarts, clients: CLIENTS.length };
  console.log(`fleet audit (${label}): ${JSON.stringify(row)}`);
  return row;
}

let pg;
test.before(async () => { pg = await startCluster(); });
test.after(() => {
  if (pg) pg.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('4 runners on 4 "machines" share one PostgreSQL queue, 2 SIGKILLed and PostgreSQL restarted: the audit holds', async () => {
  const url = pg.url('fleet_queue');
  const r = await fleet(url, { restartStore: () => pg.restart(800) });
  const row = audit('postgres', r);
  for (const x of r.results) assert.ok(!x.out.includes(pg.password), 'the store password appeared in the output');
  assert.ok(r.results.some((x) => /PostgreSQL at postgres:\/\/eg:\*\*\*@127\.0\.0\.1:\d+\/postgres\?table=fleet_queue is unreachable/.test(x.out)) ||
    /database system is shut down|terminating connection/.test(pg.log()), 'the PostgreSQL restart was not seen');
  assert.ok(row.exported > 0);
});

test('the same run with the file store, 4 processes on one machine: the audit holds', async () => {
  audit('file', await fleet(path.join(tmp, 'fleet-queue.json')));
});

test('a queue table of a newer schema is refused, and nothing is written', async () => {
  const url = pg.url('future_queue');
  const store = openStore(url);
  await store.read();
  await store.close();
  const { Client } = require('pg');
  const client = new Client({ connectionString: url.replace(/\?table=.*$/, '') });
  await client.connect();
  await client.query('UPDATE "future_queue_meta" SET schema = 99');
  const before = (await client.query('SELECT count(*) AS n FROM "future_queue"')).rows[0].n;
  const again = openStore(url);
  await assert.rejects(() => again.updateAsync(() => ({ queue: { version: 3, nextSeq: 0, items: [] }, value: null })),
    /written by a newer export-guard \(table schema 99; this one knows 1\): upgrade export-guard\. Nothing was written/);
  await again.close();
  assert.equal((await client.query('SELECT count(*) AS n FROM "future_queue"')).rows[0].n, before);
  await client.end();
});

test('a store that is malformed, unreachable or of an unknown scheme names itself without its password', async () => {
  const cases = [
    ['postgres://eg:hunter2@127.0.0.1:1/postgres', 1, /PostgreSQL at postgres:\/\/eg:\*\*\*@127\.0\.0\.1:1\/postgres\?table=export_guard_queue: ECONNREFUSED/],
    [`postgres://eg:wrong-pw@127.0.0.1:${pg.port}/postgres`, 1, /login refused \(28P01/],
    ['postgres://eg:hunter2@127.0.0.1/db?table=Bad-Name', 2, /table=Bad-Name in postgres:\/\/eg:\*\*\*@127\.0\.0\.1\/db/],
    ['mongodb://eg:hunter2@127.0.0.1/db', 2, /unknown store scheme 'mongodb:' in 'mongodb:\/\/eg:\*\*\*@127\.0\.0\.1\/db'/],
  ];
  for (const [store, code, re] of cases) {
    const r = await new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, 'status', '--store', store], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
      child.on('exit', (c) => resolve({ code: c, out }));
    });
    assert.equal(r.code, code, `${store}: ${r.out}`);
    assert.match(r.out, re);
    assert.ok(!r.out.includes('hunter2') && !r.out.includes('wrong-pw'), r.out);
  }
});
