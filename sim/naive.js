'use strict';
/**
 * The naive client: how integrations behaved before export-guard. Every request goes out
 * at once on one of `workers` parallel workers, overlapping or not; any refusal is
 * retried immediately, the same payload, up to `maxAttempts` times; a submitted job is
 * polled until it ends. It builds correct bodies (explicit channels, with export-guard's
 * buildPayload, which is only a body builder here), so what it loses comes from
 * concurrency alone.
 */
const eg = require('../pkg');
const { Api, pool } = require('./http');
const { summary, SIM_INTEGRATION } = require('./guarded');

const PROFILE_INFO = Object.fromEntries(eg.profiles().map((p) => [p.name, p]));

/**
 * @param {object} o  baseUrl, requests, clock, workers (32), maxAttempts (5), pollMs (2000),
 *   deadlineMs (simulated; unfinished requests are reported, not dropped)
 */
async function runNaive(o) {
  const api = new Api(o.baseUrl, o.clientId || 'naive');
  const clock = o.clock;
  const maxAttempts = o.maxAttempts || 5;
  const pollMs = o.pollMs || 2000;
  const startedAt = clock.now();
  const deadline = startedAt + (o.deadlineMs === undefined ? Infinity : o.deadlineMs);
  const outcomes = {}; // by request id (the naive client has no notion of a key)
  const counters = { retries: 0 };

  await pool(o.requests, o.workers || 32, async (r) => {
    const { id, ...request } = r;
    const info = PROFILE_INFO[request.profile];
    const body = eg.buildPayload(request, { now: clock.iso(), integrationId: SIM_INTEGRATION });
    let res;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) counters.retries += 1;
      res = await api.call('POST', info.path, body);
      if (res.status >= 200 && res.status < 300) break;
    }
    if (!(res.status >= 200 && res.status < 300)) {
      outcomes[id] = { status: 'failed', reason: `gave up after ${maxAttempts} attempts: ${res.status} ${res.body && res.body.message}` };
      return;
    }
    // It reads answers right (readJob), so what it loses comes from concurrency alone.
    const jobId = eg.readJob(request.profile, res, { call: 'submit' }).jobId;
    const path = (p) => p.replace('{jobId}', encodeURIComponent(jobId));
    while (clock.now() < deadline) {
      await clock.sleep(pollMs);
      const poll = await api.call('GET', path(info.rules.poll.value.path));
      if (poll.status === 404) {
        outcomes[id] = { status: 'failed', reason: `job ${jobId} vanished (404)` };
        return;
      }
      if (poll.status !== 200) continue;
      const job = eg.readJob(request.profile, poll, { call: 'poll' });
      if (job.phase === 'completed') {
        outcomes[id] = { status: 'exported', jobId };
        return;
      }
      if (job.phase === 'failed') {
        outcomes[id] = { status: 'failed', reason: `job ${jobId} ended ${job.state}` };
        return;
      }
      if (job.phase === 'ready') {
        const exec = info.rules.execute.value;
        await api.call(exec.method, path(exec.path), exec.body); // refused? polled again
      }
    }
  });
  const perRequest = o.requests.map((r) => ({ id: r.id, key: r.id, ...(outcomes[r.id] || { status: 'unfinished' }) }));
  return summary('naive', perRequest, api, counters, clock.now() - startedAt);
}

module.exports = { runNaive };
