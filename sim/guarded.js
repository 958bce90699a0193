'use strict';
const { parseOptions } = require('./args');
/**
 * The guarded client: export-guard decides before every HTTP call, and reads every
 * answer (`readJob`), as the official API shapes them.
 *
 * Each step reads the queue file, lists the jobs the API can list (recording jobs only;
 * details jobs and evaluation exports cannot be listed, so the client counts the jobs it
 * started itself), polls each job it submitted: executes a READY recording job
 * (PUT {"state":"PROCESSING"}), settles a finished one (done, FAILED, or lost in a
 * restart), asks `drain` what may be submitted now, POSTs those with up to `workers`
 * requests in flight, turns every non-2xx answer into a queue entry with `nextRetry`'s
 * delay (or a reported failure), and writes the queue file back. A killed client
 * resumes from the file.
 *
 * The state file holds: the export-guard queue, the jobs in flight (by request key),
 * the outcome of every key, and counters. Every request ends `exported` or `failed`
 * with a reason; `run` never drops one silently.
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

/** Fills `{jobId}` in a path from a profile's rules. */
const at = (path, jobId) => path.replace('{jobId}', encodeURIComponent(jobId));

function readState(file) {
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function writeState(file, state) {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state));
  fs.renameSync(tmp, file);
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
 * @param {number} [o.maxJobFailures=3] resubmissions of a FAILED job before giving up
 * @param {number} [o.pollMs=2000] simulated ms between steps when nothing is due sooner
 * @param {number} [o.deadlineMs=Infinity] simulated ms before the run stops
 * @param {object} [o.policy]     export-guard backoff policy
 * @param {string} [o.integrationId] recording EXPORT jobs' S3 integration
 * @param {(step: object) => void|Promise<void>} [o.onStep] called after each step (fault injection)
 */
async function runGuarded(o) {
  const api = new Api(o.baseUrl, o.clientId || 'guarded');
  const clock = o.clock;
  const workers = o.workers || 32;
  const maxJobFailures = o.maxJobFailures === undefined ? 3 : o.maxJobFailures;
  const pollMs = o.pollMs || 2000;
  const startedAt = clock.now();
  const deadline = startedAt + (o.deadlineMs === undefined ? Infinity : o.deadlineMs);
  fs.mkdirSync(path.dirname(o.queueFile), { recursive: true });

  // One enqueueMany for the whole backlog; its results give each request's key (the
  // queue's dedup key: same profile, range and channels = same export).
  const requests = o.requests.map(({ id, ...request }) => request);
  const added = eg.enqueueMany(null, requests, { now: clock.iso() });
  const keyOf = {}; // request id -> key
  const rejected = {}; // request id -> reason, for requests export-guard refuses outright
  o.requests.forEach((r, i) => {
    const res = added.results[i];
    if (res.item) keyOf[r.id] = res.item.key;
    else rejected[r.id] = res.errors.map((e) => `${e.code} ${e.field}: ${e.message}`).join('; ');
  });
  let state = readState(o.queueFile);
  if (!state) {
    state = { queue: added.queue, inflight: {}, outcomes: {}, failures: {},
      counters: { steps: 0, retries: 0, rechecks: 0, lost: 0, failedJobs: 0, resubmits: 0, maxWaitMs: 0 } };
  }
  for (const [id, reason] of Object.entries(rejected)) {
    keyOf[id] = `rejected:${id}`;
    state.outcomes[keyOf[id]] = { status: 'failed', reason: `rejected before any HTTP call: ${reason}` };
  }
  writeState(o.queueFile, state);

  const requeue = (item, extra) => {
    const request = { start: item.start, end: item.end, channels: item.channels, profile: item.profile };
    state.queue = eg.enqueue(state.queue, request, { now: clock.iso(), ...extra }).queue;
  };

  while (clock.now() < deadline) {
    state = readState(o.queueFile);
    const queued = state.queue ? state.queue.items.length : 0;
    if (!queued && !Object.keys(state.inflight).length) break;
    state.counters.steps += 1;

    // 1. What the API can list (recording jobs: PENDING and PROCESSING, the org's).
    const profiles = new Set([...(state.queue ? state.queue.items : []).map((i) => i.profile),
      ...Object.values(state.inflight).map((f) => f.item.profile)]);
    const listed = [];
    let pause = 0;
    for (const profile of profiles) {
      const listing = PROFILE_INFO[profile].rules.listing.value;
      if (!listing) continue; // not listable: our own in-flight jobs are all we know
      for (const st of PROFILE_INFO[profile].activeStatuses) {
        const query = new URLSearchParams({ ...listing.query, [listing.stateParam]: st });
        const res = await api.call(listing.method, `${listing.path}?${query}`);
        if (res.status !== 200) {
          const v = eg.nextRetry(1, res, null, { profile });
          pause = Math.max(pause, v.delayMs || pollMs);
          state.counters.maxWaitMs = Math.max(state.counters.maxWaitMs, pause);
          continue;
        }
        for (const v of res.body[listing.entitiesField]) listed.push(toJob(v, profile));
      }
    }
    if (pause) {
      writeState(o.queueFile, state);
      await clock.sleep(pause);
      continue;
    }

    // 2. Poll every job we submitted: execute READY ones, settle finished or lost ones.
    await pool(Object.entries(state.inflight), workers, async ([key, f]) => {
      const profile = f.item.profile;
      const info = PROFILE_INFO[profile];
      const res = await api.call('GET', at(info.rules.poll.value.path, f.jobId));
      if (res.status === 404) {
        // The service lost it (a restart): nothing was exported, submit again.
        state.counters.lost += 1;
        state.counters.resubmits += 1;
        delete state.inflight[key];
        requeue(f.item, {});
        return;
      }
      if (res.status !== 200) return; // 429 / 5xx / network: still in flight; look again next step
      const job = eg.readJob(profile, res, { call: 'poll' });
      f.state = job.state;
      if (job.phase === 'completed') {
        state.outcomes[key] = { status: 'exported', jobId: f.jobId };
        delete state.inflight[key];
      } else if (job.phase === 'failed') {
        state.counters.failedJobs += 1;
        state.failures[key] = (state.failures[key] || 0) + 1;
        delete state.inflight[key];
        if (state.failures[key] > maxJobFailures) {
          state.outcomes[key] = { status: 'failed', reason: `job ${f.jobId} ended ${job.state} (${state.failures[key]} times): ${job.message || 'no message'}` };
        } else {
          state.counters.resubmits += 1;
          requeue(f.item, {});
        }
      } else if (job.phase === 'ready') {
        // READY is not final: nothing is exported until the creator executes the job.
        const exec = info.rules.execute.value;
        const put = await api.call(exec.method, at(exec.path, f.jobId), exec.body);
        if (put.status >= 200 && put.status < 300) {
          f.state = eg.readJob(profile, put, { call: 'execute' }).state;
          state.counters.executed = (state.counters.executed || 0) + 1;
        } else {
          const v = eg.nextRetry(1, put, null, { profile });
          if (v.action === 'give-up') {
            delete state.inflight[key];
            state.outcomes[key] = { status: 'failed', reason: `job ${f.jobId} could not be executed: ${v.reason}` };
          }
          // retry: it stays READY; the next step tries again.
        }
      }
    });

    // 3. Decide: the listed jobs plus ours (deduplicated by id); READY ones do not count.
    const jobs = listed.slice();
    const listedIds = new Set(listed.map((j) => j.id));
    for (const f of Object.values(state.inflight)) {
      if (!listedIds.has(f.jobId)) {
        const info = PROFILE_INFO[f.item.profile];
        jobs.push({ id: f.jobId, status: f.state || info.activeStatuses[0], start: f.item.start, end: f.item.end, profile: f.item.profile });
      }
    }
    const drained = eg.drain(state.queue, jobs, { now: clock.iso(), integrationId: o.integrationId || SIM_INTEGRATION });
    state.queue = drained.queue;

    // 4. Submit, at most `workers` at once; the job id is where the profile's model has it.
    await pool(drained.submit, workers, async (item) => {
      const res = await api.call('POST', item.endpoint.path, item.payloads[0]);
      if (res.status >= 200 && res.status < 300) {
        const job = eg.readJob(item.profile, res, { call: 'submit' });
        state.inflight[item.key] = { jobId: job.jobId, state: job.state, item: strip(item), at: clock.iso() };
        return;
      }
      const verdict = eg.nextRetry(item.attempts + 1, res, null, { profile: item.profile });
      if (verdict.action === 'retry' || verdict.action === 'recheck') {
        state.counters[verdict.action === 'retry' ? 'retries' : 'rechecks'] += 1;
        state.counters.maxWaitMs = Math.max(state.counters.maxWaitMs, verdict.delayMs);
        requeue(item, { attempts: item.attempts + 1, notBefore: new Date(clock.now() + verdict.delayMs).toISOString() });
      } else {
        state.outcomes[item.key] = { status: 'failed', reason: `${verdict.reason}${res.body && res.body.message ? ` (${res.body.message})` : ''}` };
      }
    });
    writeState(o.queueFile, state);
    if (o.onStep) await o.onStep({ step: state.counters.steps, state });

    // 5. Sleep until the next thing is due.
    const due = (state.queue ? state.queue.items : []).map((i) => (i.notBefore ? Date.parse(i.notBefore) : clock.now()));
    const waitingOnly = drained.waiting.length > 0 && drained.waiting.every((w) => w.reason === 'notBefore');
    let sleep = pollMs;
    if (waitingOnly && !Object.keys(state.inflight).length && due.length) sleep = Math.max(100, Math.min(...due) - clock.now());
    await clock.sleep(Math.min(sleep, Math.max(0, deadline - clock.now())));
  }

  state = readState(o.queueFile);
  return report('guarded', o.requests, keyOf, state.outcomes, api, state.counters, clock.now() - startedAt);
}

/** The item as a request: what to resubmit. */
function strip(item) {
  return { start: item.start, end: item.end, channels: item.channels, profile: item.profile, key: item.key };
}

/** Per request: its outcome (by key), or "unfinished" when the run stopped first. */
function report(client, requests, keyOf, outcomes, api, counters, makespanMs) {
  const perRequest = requests.map((r) => ({ id: r.id, key: keyOf[r.id], ...(outcomes[keyOf[r.id]] || { status: 'unfinished' }) }));
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

Prints one line per request (exported with its job id, or failed with the reason) and
exits 0 when every request was exported, 1 otherwise.`;

async function main(argv) {
  const o = { queueFile: 'out/sim/guarded-queue.json', workers: 32, clientId: 'guarded' };
  const a = parseOptions(argv, { url: 'string', requests: 'string', queue: 'string', workers: 'count', scale: 'number', client: 'string' });
  if (a.help) {
    console.log(HELP);
    return 0;
  }
  if (a.url !== undefined) o.baseUrl = a.url.replace(/\/$/, '');
  if (a.queue !== undefined) o.queueFile = a.queue;
  if (a.workers !== undefined) o.workers = a.workers;
  if (a.client !== undefined) o.clientId = a.client;
  let scale = a.scale === undefined ? null : a.scale;
  const file = a.requests || null;
  if (!o.baseUrl || !file) throw new Error('--url and --requests are required (see --help)');
  o.requests = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(o.requests) || o.requests.some((r) => !r || typeof r.id !== 'string')) {
    throw new Error(`${file} must be a JSON array of requests, each with a string "id"`);
  }
  if (scale === null) {
    const health = await new Api(o.baseUrl, o.clientId).call('GET', '/sim/health');
    scale = health.status === 200 && health.body && health.body.scale > 0 ? health.body.scale : 1;
  }
  o.clock = new SimClock({ scale });
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

module.exports = { runGuarded, report, toJob, SIM_INTEGRATION };
