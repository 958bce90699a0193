'use strict';
const { parseOptions } = require('./args');
/**
 * The guarded client: export-guard's one driver loop (`eg.Driver`, the same code as
 * `export-guard run` and the ServiceNow runner) with the simulator's adapters: the state
 * file as its store, the simulator's HTTP helper as its transport, and the simulated
 * clock. The core decides every call (listings included) and reads every answer.
 *
 * Details jobs and evaluation exports cannot be listed: the queue's own in-flight items
 * are what counts against their limits, and the core does that counting. A client
 * killed at any point resumes from its state file: a call handed out but never recorded
 * is handed out again once its lease expires (recording jobs are first looked for in
 * the listing; elsewhere that is at-least-once, see the README).
 *
 * The state file holds the export-guard queue, each request's key and counters.
 */
const fs = require('fs');
const path = require('path');
const eg = require('../pkg');
const { Api } = require('./http');
const { SimClock } = require('./clock');

/** The S3 integration a recording EXPORT names (the simulator only checks it is there). */
const SIM_INTEGRATION = 'sim-s3-integration';

function readState(file) {
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Atomically (temporary file, rename): a killed process leaves the old state or the new.
 * No fsync: the page cache outlives a killed process, and the load run's clock turns
 * every real millisecond into 200 simulated ones (the CLI's queue file is fsynced, as a
 * power loss must not undo a POST's record).
 */
function writeState(file, state) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state));
  fs.renameSync(tmp, file);
}

/** The store adapter: the state file, held by this one process; counters saved with the queue. */
function stateStore(file, state) {
  return {
    update(fn, cb) {
      let r;
      try {
        r = fn(state.queue);
      } catch (e) {
        return cb(e);
      }
      if (r.queue) {
        state.queue = r.queue;
        writeState(file, state);
      }
      cb(null, r.value);
    },
  };
}

/** Counts what a record did, for the report (waits measured from the answer's record). */
function tally(counters, r) {
  if (!r.item) return;
  const item = r.item;
  const now = item.lastAnswer ? Date.parse(item.lastAnswer.at) : 0;
  const status = item.lastAnswer ? item.lastAnswer.status : 0;
  if (r.event === 'executed') counters.executed += 1;
  if (r.event === 'found') counters.found += 1;
  if (r.action === 'submit' && status === 409) counters.rechecks += 1;
  else if (r.action === 'submit' && (r.event === 'resubmit' || r.event === 'retry')) counters.retries += 1;
  if (r.action === 'poll' && (r.event === 'resubmit' || r.event === 'failed')) {
    if (/vanished/.test(item.reason || '')) counters.lost += 1;
    else counters.failedJobs += 1;
  }
  if (r.event === 'resubmit') counters.resubmits += 1;
  const until = r.event === 'resubmit' ? item.notBefore : r.event === 'retry' ? item.pollAt : null;
  if (until) counters.maxWaitMs = Math.max(counters.maxWaitMs, Date.parse(until) - now);
}

/**
 * Runs the guarded client until every request has an outcome (or `deadlineMs` of
 * simulated time passes: then the rest are reported as unfinished, never dropped).
 *
 * @param {object} o
 * @param {string} o.baseUrl      the simulator (or a real proxy)
 * @param {object[]} o.requests   export-guard requests with an `id` and `profile`
 * @param {import('./clock').SimClock} o.clock
 * @param {string} o.queueFile    where the state lives between steps
 * @param {number} [o.workers=32] HTTP calls in flight at once
 * @param {number} [o.pollMs=5000] simulated ms between polls of a running job
 * @param {number} [o.deadlineMs=Infinity] simulated ms before the run stops
 * @param {object} [o.policy]     export-guard backoff policy
 * @param {string} [o.integrationId] recording EXPORT jobs' S3 integration
 * @param {{step: number, point: 'after-next'|'after-calls'}} [o.killAt] fault injection:
 *   SIGKILL this process at that point of its N-th step that POSTs
 */
async function runGuarded(o) {
  const clientId = o.clientId || 'guarded';
  const api = new Api(o.baseUrl, clientId);
  const clock = o.clock;
  const startedAt = clock.now();
  const deadline = startedAt + (o.deadlineMs === undefined ? Infinity : o.deadlineMs);
  fs.mkdirSync(path.dirname(o.queueFile), { recursive: true });

  let state = readState(o.queueFile);
  if (!state) {
    // One enqueueMany for the whole backlog; its results give each request's key (same
    // profile, range and channels = same export). A request export-guard refuses is
    // reported failed before any HTTP call.
    const added = eg.enqueueMany(null, o.requests.map(({ id, ...request }) => request), { now: clock.iso() });
    state = { queue: added.queue, keys: {}, rejected: {},
      counters: { steps: 0, retries: 0, rechecks: 0, lost: 0, failedJobs: 0, resubmits: 0, executed: 0, found: 0, stale: 0, maxWaitMs: 0 } };
    o.requests.forEach((r, i) => {
      const res = added.results[i];
      if (res.item) state.keys[r.id] = res.item.key;
      else state.rejected[r.id] = res.errors.map((e) => `${e.code} ${e.field}: ${e.message}`).join('; ');
    });
    writeState(o.queueFile, state);
  }

  // Fault injection: SIGKILL in the N-th step that POSTs, after its leases were saved
  // (after-next) or once all its calls were answered and none recorded (after-calls).
  let callSteps = 0;
  let held = null; // after-calls: the step's answers, released together or never
  const kill = () => process.kill(process.pid, 'SIGKILL');
  const transport = {
    perform(action, cb) {
      api.call(action.method, action.path, action.body).then((answer) => {
        if (!held) return cb(answer);
        held.answers.push(() => cb(answer));
        if (held.answers.length === held.size) kill();
      });
    },
  };
  const driver = new eg.Driver({
    store: stateStore(o.queueFile, state),
    transport,
    clock: { now: () => clock.now(), sleep: (ms, cb) => clock.sleep(Math.min(ms, Math.max(1, deadline - clock.now()))).then(cb) },
    options: { integrationId: o.integrationId || SIM_INTEGRATION, pollMs: o.pollMs || 5000, policy: o.policy || undefined,
      clientId, runnerId: `${clientId}:${process.pid}` },
    concurrency: o.workers || 32,
    onEvent(e) {
      if (e.type === 'next') {
        state.counters.steps += 1;
        if (!e.step.actions.some((a) => a.kind === 'submit')) return;
        callSteps += 1;
        if (o.killAt && o.killAt.step === callSteps) {
          if (o.killAt.point === 'after-next') kill();
          held = { size: e.step.actions.length, answers: [] };
        }
      } else if (e.type === 'stale') {
        state.counters.stale += 1;
      } else {
        tally(state.counters, e.result);
      }
    },
  });
  await new Promise((resolve, reject) => driver.run({ deadline }, (err) => (err ? reject(err) : resolve())));
  return report('guarded', o.requests, state, api, clock.now() - startedAt);
}

/** Per request: its item's outcome as the core reports it, or "unfinished" when the run stopped first. */
function outcomes(requests, state) {
  const newest = new Map();
  for (const i of eg.inspectQueue(state.queue, null, { listing: false }).items) newest.set(i.key, i);
  return requests.map((r) => {
    if (state.rejected[r.id]) return { id: r.id, key: `rejected:${r.id}`, status: 'failed', reason: `rejected before any HTTP call: ${state.rejected[r.id]}` };
    const key = state.keys[r.id];
    const item = newest.get(key);
    if (item && item.outcome === 'exported') return { id: r.id, key, status: 'exported', jobId: item.jobId };
    if (item && item.outcome === 'failed') return { id: r.id, key, status: 'failed', reason: item.reason };
    return { id: r.id, key, status: 'unfinished', state: item ? item.state : 'missing' };
  });
}

function report(client, requests, state, api, makespanMs) {
  return summary(client, outcomes(requests, state), api, state.counters, makespanMs);
}

/** A client's result: per request, the API's counts and the client's counters. */
function summary(client, perRequest, api, counters, makespanMs) {
  return { client, perRequest, api: api.stats, counts: {
    posts: api.stats.posts, c409: api.count(409), c429: api.count(429), c503: api.count(503), c400: api.count(400),
    retries: (counters.retries || 0) + (counters.rechecks || 0) + (counters.resubmits || 0),
  }, counters, makespanMs };
}

const HELP = `Usage: node sim/guarded.js --url URL --requests FILE [options]

Runs the guarded client: export-guard decides, the queue lives in a file between steps.

  --url URL        the API base, e.g. http://127.0.0.1:8787 (the simulator)
  --requests FILE  a JSON array of export-guard requests, each with an "id"
  --queue FILE     the state file (default out/sim/guarded-queue.json); an existing
                   one is resumed
  --workers N      HTTP calls in flight at once (default 32)
  --scale N        simulated ms per real ms; default: asked from the simulator's
                   /sim/health, else 1 (real time, for anything that is not the simulator)
  --client ID      sent as X-Client-Id (default guarded)
  --kill-at N:POINT  fault injection: SIGKILL this process in its N-th step that POSTs,
                   at POINT after-next (calls leased, not made) or after-calls (made, not
                   recorded); run again with the same --queue to resume

Prints one line per request (exported with its job id, or failed with the reason) and
exits 0 when every request was exported, 1 otherwise.`;

async function main(argv) {
  const o = { queueFile: 'out/sim/guarded-queue.json', workers: 32, clientId: 'guarded' };
  const a = parseOptions(argv, { url: 'string', requests: 'string', queue: 'string', workers: 'count', scale: 'number', client: 'string', 'kill-at': 'string' });
  if (a.help) {
    console.log(HELP);
    return 0;
  }
  if (a.url !== undefined) o.baseUrl = a.url.replace(/\/$/, '');
  if (a.queue !== undefined) o.queueFile = a.queue;
  if (a.workers !== undefined) o.workers = a.workers;
  if (a.client !== undefined) o.clientId = a.client;
  if (a['kill-at'] !== undefined) {
    const m = /^(\d+):(after-next|after-calls)$/.exec(a['kill-at']);
    if (!m) throw new Error(`--kill-at takes N:after-next or N:after-calls, not '${a['kill-at']}'`);
    o.killAt = { step: Number(m[1]), point: m[2] };
  }
  let scale = a.scale === undefined ? null : a.scale;
  const file = a.requests || null;
  if (!o.baseUrl || !file) throw new Error('--url and --requests are required (see --help)');
  o.requests = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(o.requests) || o.requests.some((r) => !r || typeof r.id !== 'string')) {
    throw new Error(`${file} must be a JSON array of requests, each with a string "id"`);
  }
  // Against the simulator, take its clock (scale and now), so that a client started in
  // another process reads the same simulated time.
  let startMs;
  if (scale === null) {
    const health = await new Api(o.baseUrl, o.clientId).call('GET', '/sim/health');
    const ok = health.status === 200 && health.body && health.body.scale > 0;
    scale = ok ? health.body.scale : 1;
    if (ok && health.body.now) startMs = Date.parse(health.body.now);
  }
  o.clock = new SimClock({ scale, startMs });
  const result = await runGuarded(o);
  for (const p of result.perRequest) {
    console.log(`${p.id}\t${p.status}\t${p.jobId || p.reason || ''}`);
  }
  const c = result.counts;
  console.log(`POSTs ${c.posts}, 409 ${c.c409}, 429 ${c.c429}, 503 ${c.c503}, retries ${c.retries}; ` +
    `${(result.makespanMs / 1000).toFixed(0)} s of (simulated) time`);
  return result.perRequest.every((p) => p.status === 'exported') ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    console.error(`sim/guarded.js: ${e.message}`);
    process.exit(2);
  });
}

module.exports = { runGuarded, summary, outcomes, SIM_INTEGRATION };
