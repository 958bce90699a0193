'use strict';
const { parseOptions } = require('./args');
/**
 * The guarded client: a thin I/O loop on export-guard's lifecycle. The core decides
 * every HTTP call and reads every answer; this file only lists, calls and saves.
 *
 *   load state → list the jobs the API can list → next(now) → save (the calls are now
 *   leased) → make the calls → record each answer → save → sleep until wakeAt
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
const { Api, pool } = require('./http');
const { SimClock } = require('./clock');

const PROFILE_INFO = Object.fromEntries(eg.profiles().map((p) => [p.name, p]));
/** The S3 integration a recording EXPORT names (the simulator only checks it is there). */
const SIM_INTEGRATION = 'sim-s3-integration';

/** A listed RecordingJob as an export-guard job: its range is its conversation query's. */
function toJob(v, profile) {
  const reading = eg.readJob(profile, v);
  const q = v.recordingJobsQuery && v.recordingJobsQuery.conversationQuery;
  // Recording jobs count against a limit, whatever their range: a job listed without
  // its query still counts (with a placeholder range that blocks no date range).
  return { id: reading.jobId, status: reading.state, profile, interval: (q && q.interval) || '1970-01-01T00:00:00Z/1970-01-01T00:00:01Z' };
}

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

/** The item that carries a key now (the newest: a key may repeat in the history). */
function itemOf(queue, key) {
  let found = null;
  for (const i of queue.items) if (i.key === key) found = i;
  return found;
}

/** Lists the active jobs of the listable profiles among the live items; null on an error (then `pause` ms). */
async function listActive(api, queue, pollMs) {
  const profiles = new Set(queue.items.filter((i) => i.state !== 'completed' && i.state !== 'failed').map((i) => i.profile));
  const listed = [];
  for (const profile of profiles) {
    const listing = PROFILE_INFO[profile].rules.listing.value;
    if (!listing) continue; // not listable: the queue's own in-flight items are all we know
    for (const st of PROFILE_INFO[profile].activeStatuses) {
      const query = new URLSearchParams({ ...listing.query, [listing.stateParam]: st });
      const res = await api.call(listing.method, `${listing.path}?${query}`);
      if (res.status !== 200) {
        const v = eg.nextRetry(1, res, null, { profile });
        return { listed: null, pause: v.delayMs || pollMs };
      }
      for (const v of res.body[listing.entitiesField]) listed.push(toJob(v, profile));
    }
  }
  return { listed, pause: 0 };
}

/** Counts what a record did, for the report. */
function tally(counters, r, now) {
  const item = r.item;
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
  const api = new Api(o.baseUrl, o.clientId || 'guarded');
  const clock = o.clock;
  const workers = o.workers || 32;
  const startedAt = clock.now();
  const deadline = startedAt + (o.deadlineMs === undefined ? Infinity : o.deadlineMs);
  const options = { integrationId: o.integrationId || SIM_INTEGRATION, pollMs: o.pollMs || 5000, policy: o.policy || undefined };
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

  let callSteps = 0;
  while (clock.now() < deadline) {
    const { listed, pause } = await listActive(api, state.queue, options.pollMs);
    if (listed === null) {
      state.counters.maxWaitMs = Math.max(state.counters.maxWaitMs, pause);
      await clock.sleep(Math.min(pause, Math.max(0, deadline - clock.now())));
      continue;
    }
    const step = eg.next(state.queue, listed, { ...options, now: clock.iso() });
    state.queue = step.queue;
    state.counters.steps += 1;
    if (!step.actions.length) {
      if (step.wakeAt === null) break; // every item is completed or failed
      writeState(o.queueFile, state);
      await clock.sleep(Math.max(1, Math.min(Date.parse(step.wakeAt), deadline) - clock.now()));
      continue;
    }
    writeState(o.queueFile, state); // the calls are leased before they are made
    if (step.actions.some((a) => a.kind === 'submit')) callSteps += 1;
    const kill = (point) => {
      if (o.killAt && o.killAt.step === callSteps && o.killAt.point === point) process.kill(process.pid, 'SIGKILL');
    };
    kill('after-next');
    const answers = new Array(step.actions.length);
    await pool(step.actions, workers, async (a, i) => {
      answers[i] = await api.call(a.method, a.path, a.body);
    });
    kill('after-calls');
    // One recordMany for the step: the queue is read and written once, not per answer.
    const now = clock.now();
    const recorded = eg.recordMany(state.queue, step.actions.map((a, i) => ({ key: a.key, response: answers[i] })),
      { ...options, now: new Date(now).toISOString() });
    state.queue = recorded.queue;
    for (const r of recorded.results) {
      if (r.errors) {
        if (r.errors[0].code !== 'STALE_ANSWER') throw new Error(`record refused an answer: ${JSON.stringify(r.errors[0])}`);
        state.counters.stale += 1;
      } else {
        tally(state.counters, r, now);
      }
    }
    writeState(o.queueFile, state);
    if (o.onStep) await o.onStep({ step: state.counters.steps, state });
  }
  return report('guarded', o.requests, state, api, clock.now() - startedAt);
}

/** Per request: its item's outcome, or "unfinished" when the run stopped first. */
function outcomes(requests, state) {
  return requests.map((r) => {
    if (state.rejected[r.id]) return { id: r.id, key: `rejected:${r.id}`, status: 'failed', reason: `rejected before any HTTP call: ${state.rejected[r.id]}` };
    const key = state.keys[r.id];
    const item = itemOf(state.queue, key);
    if (item && item.state === 'completed') return { id: r.id, key, status: 'exported', jobId: item.jobId };
    if (item && item.state === 'failed') return { id: r.id, key, status: 'failed', reason: item.reason };
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

module.exports = { runGuarded, summary, outcomes, toJob, SIM_INTEGRATION };
