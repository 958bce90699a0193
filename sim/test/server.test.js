'use strict';
// Unit tests of the Genesys stand-in's rules: the official answer shapes (details jobs'
// { jobId }, no listing; recording jobs READY until the creator's PUT), 409 range lock,
// 429 rate, daily and concurrency limits, 400 validation, restarts, FAILED jobs, the log.
const test = require('node:test');
const assert = require('node:assert/strict');
const { createSimulator } = require('../server');
const { SimClock } = require('../clock');

const EE = '/api/v2/quality/evaluationexports';
const RJ = '/api/v2/recording/jobs';
const CD = '/api/v2/analytics/conversations/details/jobs';

/** A simulator whose jobs never finish on their own within a test (scale 1 = real time). */
async function start(options = {}) {
  const sim = createSimulator({ clock: new SimClock({ scale: 1 }), queuedMs: 3600000, runMs: 3600000, ...options });
  const url = await sim.start(0);
  const call = async (method, path, body, client = 'test') => {
    const r = await fetch(url + path, { method, headers: { 'X-Client-Id': client },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() };
  };
  return { sim, url, call };
}

const evalBody = (start, end, channel = ['sms']) => ({ start_date: start, end_date: end, filter: { channel } });
const query = (interval, values = [['messageType', 'sms']]) => ({ interval, order: 'asc',
  segmentFilters: [{ type: 'or', predicates: values.map(([dimension, value]) => ({ type: 'dimension', dimension, operator: 'matches', value })) }] });

test('409: an active evaluation export locks its date range, whatever the channels', async (t) => {
  const { sim, call } = await start();
  t.after(() => sim.stop());
  const a = await call('POST', EE, evalBody('2026-07-01T00:00:00Z', '2026-07-08T00:00:00Z'));
  assert.equal(a.status, 202);
  assert.equal(a.body.status, 'QUEUED');
  const b = await call('POST', EE, evalBody('2026-07-07T00:00:00Z', '2026-07-09T00:00:00Z', ['voice']));
  assert.equal(b.status, 409);
  assert.deepEqual(b.body.conflictingJobIds, [a.body.id]);
  // Half-open ranges: one that starts where the other ends does not overlap.
  const c = await call('POST', EE, evalBody('2026-07-08T00:00:00Z', '2026-07-09T00:00:00Z'));
  assert.equal(c.status, 202);
  // No listing is described for evaluation exports: none is offered. The job endpoint answers.
  assert.equal((await call('GET', `${EE}?active=true`)).status, 404);
  const one = (await call('GET', `${EE}/${a.body.id}`)).body;
  assert.equal(one.start_date, '2026-07-01T00:00:00.000Z');
  assert.equal(one.status, 'QUEUED');
  assert.equal((await call('GET', `${EE}/nope`)).status, 404);
});

test('409 ends when the locking job ends; touchingConflicts makes touching ranges conflict', async (t) => {
  const { sim, call } = await start({ clock: new SimClock({ scale: 100 }), queuedMs: 30000, runMs: 30000, durationJitter: 0 });
  t.after(() => sim.stop());
  assert.equal((await call('POST', EE, evalBody('2026-07-01T00:00:00Z', '2026-07-08T00:00:00Z'))).status, 202);
  assert.equal((await call('POST', EE, evalBody('2026-07-02T00:00:00Z', '2026-07-03T00:00:00Z'))).status, 409);
  await sim.clock.sleep(65000);
  assert.equal((await call('POST', EE, evalBody('2026-07-02T00:00:00Z', '2026-07-03T00:00:00Z'))).status, 202);
  sim.configure({ touchingConflicts: true });
  assert.equal((await call('POST', EE, evalBody('2026-07-03T00:00:00Z', '2026-07-04T00:00:00Z'))).status, 409);
  const audit = sim.audit();
  assert.equal(audit.exports.length, 1);
  assert.equal(audit.exports[0].key, 'evaluationExports|2026-07-01T00:00:00.000Z/2026-07-08T00:00:00.000Z|sms');
});

test('429: beyond the rate per client, with Retry-After in whole seconds; other clients unaffected', async (t) => {
  const { sim, call } = await start({ rateLimit: { requests: 3, windowMs: 60000 } });
  t.after(() => sim.stop());
  const LIST = `${RJ}?state=PENDING&showOnlyMyJobs=false`;
  for (let i = 0; i < 3; i++) assert.equal((await call('GET', LIST)).status, 200);
  const limited = await call('GET', LIST);
  assert.equal(limited.status, 429);
  assert.equal(limited.body.code, 'too.many.requests.retry.after');
  assert.match(limited.retryAfter, /^\d+$/);
  assert.ok(Number(limited.retryAfter) >= 59 && Number(limited.retryAfter) <= 60, limited.retryAfter);
  assert.equal((await call('GET', LIST, undefined, 'someone-else')).status, 200);
  sim.configure({ retryAfterSeconds: 120 });
  assert.equal((await call('GET', LIST)).retryAfter, '120');
});

test('429: at most 2 active recording jobs, and the conversation-jobs limit', async (t) => {
  const { sim, call } = await start({ conversationMaxActive: 1 });
  t.after(() => sim.stop());
  const body = (d) => ({ action: 'EXPORT', integrationId: 's3', actionDate: '2026-11-28T00:00:00Z', conversationQuery: query(`2026-07-0${d}T00:00:00Z/2026-07-0${d + 1}T00:00:00Z`) });
  assert.equal((await call('POST', RJ, body(1))).status, 202);
  const second = await call('POST', RJ, body(3));
  assert.equal(second.status, 202);
  assert.equal(second.body.state, 'PENDING');
  const third = await call('POST', RJ, body(5));
  assert.equal(third.status, 429);
  assert.match(third.retryAfter, /^\d+$/);
  sim.configure({ recordingLimitStatus: 409 });
  assert.equal((await call('POST', RJ, body(5))).status, 409);
  assert.equal((await call('POST', CD, query('2026-07-01T00:00:00Z/2026-07-02T00:00:00Z'))).status, 202);
  assert.equal((await call('POST', CD, query('2026-08-01T00:00:00Z/2026-08-02T00:00:00Z'))).status, 429);
});

test('400: unknown channels (telegram for analytics), EXPORT without integrationId, bad dates, bad JSON', async (t) => {
  const { sim, call } = await start();
  t.after(() => sim.stop());
  const cases = [
    [CD, query('2026-07-01T00:00:00Z/2026-07-02T00:00:00Z', [['messageType', 'telegram']]), /unknown channel "telegram"/],
    [RJ, { action: 'EXPORT', conversationQuery: query('2026-07-01T00:00:00Z/2026-07-02T00:00:00Z') }, /integrationId is required for an EXPORT/],
    [EE, evalBody('2026-07-01T00:00:00Z', '2026-07-02T00:00:00Z', ['pigeon']), /unknown channel "pigeon"/],
    [EE, evalBody('2026-07-02T00:00:00Z', '2026-07-01T00:00:00Z'), /start must be before the end/],
    [EE, evalBody('2026-07-01', '2026-07-02T00:00:00Z'), /start_date must be an ISO-8601 instant/],
    [CD, query('2026-07-01T00:00:00Z'), /interval must be "start\/end"/],
    [RJ, { action: 'EXPORT', integrationId: 's3' }, /conversationQuery must be a JSON object/],
    [RJ, { action: 'SHRED', conversationQuery: query('2026-07-01T00:00:00Z/2026-07-02T00:00:00Z') }, /action must be/],
    [EE, '{"start_date": ', /not JSON/],
    [EE, '[1, 2]', /the body must be a JSON object/],
  ];
  for (const [path, body, message] of cases) {
    const r = await call('POST', path, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.status}`);
    assert.match(r.body.message, message);
  }
  assert.equal(sim.stats().created, 0);
  const big = await call('POST', EE, JSON.stringify({ pad: 'x'.repeat(600000) }));
  assert.equal(big.status, 413);
});

test('a restart loses active jobs (404), keeps finished ones, and answers 503 while down', async (t) => {
  const { sim, call } = await start({ restartDowntimeMs: 300 });
  t.after(() => sim.stop());
  const a = await call('POST', EE, evalBody('2026-07-01T00:00:00Z', '2026-07-02T00:00:00Z'));
  const r = sim.restart();
  assert.deepEqual(r.lost, [a.body.id]);
  assert.equal((await call('GET', `${EE}/${a.body.id}`)).status, 503);
  await sim.clock.sleep(350);
  assert.equal((await call('GET', `${EE}/${a.body.id}`)).status, 404);
  // The lock went with the job.
  assert.equal((await call('POST', EE, evalBody('2026-07-01T00:00:00Z', '2026-07-02T00:00:00Z'))).status, 202);
  assert.ok(sim.log.some((e) => e.type === 'job' && e.id === a.body.id && e.to === 'LOST'));
});

test('FAILED jobs export nothing; transient 503s; every request and transition is logged', async (t) => {
  const { sim, call } = await start({ clock: new SimClock({ scale: 1000 }), queuedMs: 500, runMs: 500, failRate: 1 });
  t.after(() => sim.stop());
  const a = await call('POST', EE, evalBody('2026-07-01T00:00:00Z', '2026-07-02T00:00:00Z'));
  await sim.clock.sleep(2000);
  const done = await call('GET', `${EE}/${a.body.id}`);
  assert.equal(done.body.status, 'FAILED');
  assert.equal(sim.audit().exports.length, 0);
  const states = sim.log.filter((e) => e.type === 'job' && e.id === a.body.id).map((e) => e.to);
  assert.deepEqual(states, ['QUEUED', 'IN_PROGRESS', 'FAILED']);
  assert.equal(sim.log.filter((e) => e.type === 'request').length, 2);
  sim.configure({ transient503Rate: 1 });
  assert.equal((await call('GET', `${EE}/${a.body.id}`)).status, 503);
  assert.throws(() => sim.configure({ nonsense: 1 }), /unknown simulator option/);
});

test('details jobs: POST answers { jobId } only, GET the AsyncQueryStatus fields, and there is no list', async (t) => {
  const { sim, call } = await start({ clock: new SimClock({ scale: 100 }), queuedMs: 10000, runMs: 10000, durationJitter: 0 });
  t.after(() => sim.stop());
  const created = await call('POST', CD, query('2026-07-01T00:00:00Z/2026-07-02T00:00:00Z'));
  assert.equal(created.status, 202);
  assert.deepEqual(Object.keys(created.body), ['jobId']);
  const jobId = created.body.jobId;
  const queued = (await call('GET', `${CD}/${jobId}`)).body;
  assert.deepEqual(Object.keys(queued).sort(), ['state', 'submissionDate']);
  assert.equal(queued.state, 'QUEUED');
  await sim.clock.sleep(25000);
  const done = (await call('GET', `${CD}/${jobId}`)).body;
  assert.equal(done.state, 'FULFILLED');
  assert.ok(done.completionDate && done.expirationDate);
  assert.equal(done.id, undefined);
  assert.equal((await call('GET', CD)).status, 404, 'details jobs cannot be listed');
  assert.equal((await call('GET', `${CD}?active=true`)).status, 404);
});

test('details jobs: results page by cursor (AnalyticsConversationAsyncQueryResponse), every conversation active in the interval; 400 before FULFILLED', async (t) => {
  const { sim, call } = await start({ clock: new SimClock({ scale: 100 }), queuedMs: 10000, runMs: 10000, durationJitter: 0, resultsPageSize: 3 });
  t.after(() => sim.stop());
  const jobId = (await call('POST', CD, query('2026-07-01T00:00:00Z/2026-07-03T00:00:00Z'))).body.jobId;
  const early = await call('GET', `${CD}/${jobId}/results`);
  assert.equal(early.status, 400, 'not FULFILLED yet');
  await sim.clock.sleep(25000);
  const seen = [];
  let cursor;
  let pages = 0;
  do {
    const r = await call('GET', `${CD}/${jobId}/results${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200);
    assert.ok(r.body.dataAvailabilityDate);
    assert.ok(r.body.conversations.length <= 3);
    seen.push(...r.body.conversations);
    cursor = r.body.cursor;
    pages++;
  } while (cursor);
  // 06-30 23:30 (crossing into the interval), then 4 a day; the last page has no cursor.
  assert.equal(seen.length, 9);
  assert.equal(pages, 3);
  assert.equal(seen[0].conversationStart, '2026-06-30T23:30:00.000Z');
  assert.equal(seen[0].conversationEnd, '2026-07-01T02:30:00.000Z');
  assert.equal(seen[8].conversationStart, '2026-07-02T23:30:00.000Z');
  assert.deepEqual(Object.keys(seen[1]).sort(), ['conversationEnd', 'conversationId', 'conversationStart', 'divisionIds', 'originatingDirection', 'participants']);
  assert.equal((await call('GET', `${CD}/${jobId}/results?cursor=bogus`)).status, 400);
  assert.equal((await call('GET', `${CD}/nope/results`)).status, 404);
  assert.equal((await call('POST', `${CD}/${jobId}/results`, {})).status, 405);
});

test('recording jobs: READY until the creator PUTs {"state":"PROCESSING"}, then FULFILLED; the documented listing', async (t) => {
  const { sim, call } = await start({ clock: new SimClock({ scale: 100 }), queuedMs: 10000, runMs: 10000, durationJitter: 0 });
  t.after(() => sim.stop());
  const body = { action: 'EXPORT', integrationId: 's3', actionDate: '2026-11-28T00:00:00Z', conversationQuery: query('2026-07-01T00:00:00Z/2026-07-02T00:00:00Z') };
  const created = await call('POST', RJ, body, 'creator');
  assert.equal(created.status, 202);
  assert.equal(created.body.state, 'PENDING');
  assert.equal(created.body.status, undefined, 'a RecordingJob has state, never status');
  const id = created.body.id;
  const early = await call('PUT', `${RJ}/${id}`, { state: 'PROCESSING' }, 'creator');
  assert.equal(early.status, 400, 'a PENDING job cannot be executed yet');
  await sim.clock.sleep(15000);
  assert.equal((await call('GET', `${RJ}/${id}`, undefined, 'creator')).body.state, 'READY');
  await sim.clock.sleep(30000);
  assert.equal((await call('GET', `${RJ}/${id}`, undefined, 'creator')).body.state, 'READY', 'READY is not final, and nothing moves it but the PUT');
  assert.equal(sim.audit().exports.length, 0, 'nothing is exported while READY');
  // READY does not count against the two-job limit; it is listed by state.
  const listed = await call('GET', `${RJ}?state=READY&showOnlyMyJobs=false`, undefined, 'someone-else');
  assert.deepEqual(listed.body.entities.map((j) => j.id), [id]);
  assert.equal((await call('GET', `${RJ}?state=READY&showOnlyMyJobs=true`, undefined, 'someone-else')).body.entities.length, 0);
  assert.equal((await call('PUT', `${RJ}/${id}`, { state: 'PROCESSING' }, 'someone-else')).status, 403);
  assert.equal((await call('PUT', `${RJ}/${id}`, { state: 'RUNNING' }, 'creator')).status, 400);
  const run = await call('PUT', `${RJ}/${id}`, { state: 'PROCESSING' }, 'creator');
  assert.equal(run.status, 202);
  assert.equal(run.body.state, 'PROCESSING');
  await sim.clock.sleep(15000);
  assert.equal((await call('GET', `${RJ}/${id}`, undefined, 'creator')).body.state, 'FULFILLED');
  const audit = sim.audit();
  assert.equal(audit.exports.length, 1);
  assert.ok(audit.exports[0].executed && audit.exports[0].wasReady);
  const states = sim.log.filter((e) => e.type === 'job' && e.id === id).map((e) => e.to);
  assert.deepEqual(states, ['PENDING', 'READY', 'PROCESSING', 'FULFILLED']);
  // A READY or PENDING job can be cancelled.
  const other = await call('POST', RJ, { ...body, conversationQuery: query('2026-08-01T00:00:00Z/2026-08-02T00:00:00Z') }, 'creator');
  assert.equal((await call('DELETE', `${RJ}/${other.body.id}`, undefined, 'creator')).body.state, 'CANCELLED');
});

test('the daily-limit fault answers 429 with a Retry-After of hours; the channel-filter rule is opt-in', async (t) => {
  const { sim, call } = await start({ dailyLimit: { requests: 1, windowMs: 3 * 3600000 } });
  t.after(() => sim.stop());
  // Without requireChannelFilter (the API's behaviour), a body with no filter is all channels.
  assert.equal((await call('POST', EE, { start_date: '2026-07-01T00:00:00Z', end_date: '2026-07-02T00:00:00Z' })).status, 202);
  const limited = await call('POST', EE, evalBody('2026-08-01T00:00:00Z', '2026-08-02T00:00:00Z'));
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.retryAfter) > 10700 && Number(limited.retryAfter) <= 10800, limited.retryAfter);
  assert.equal(limited.body.code, 'too.many.requests.retry.after');
  sim.configure({ dailyLimit: null, requireChannelFilter: true });
  const refused = await call('POST', EE, { start_date: '2026-09-01T00:00:00Z', end_date: '2026-09-02T00:00:00Z' });
  assert.equal(refused.status, 400);
  assert.match(refused.body.message, /filter\.channel is required.*export-guard's rule, not the API's/);
  assert.equal((await call('POST', EE, evalBody('2026-09-01T00:00:00Z', '2026-09-02T00:00:00Z', ['telegram']))).status, 202,
    'the community filter takes conversation-only message types');
});

test('the authorization code grant with PKCE: a code for the S256 challenge, refused with a wrong verifier, once used, or expired; CORS for browsers', async (t) => {
  const crypto = require('crypto');
  const sim = createSimulator({ clock: new SimClock({ scale: 100 }), authCodeClients: [{ clientId: 'admin-page' }], authCodeTtlSeconds: 60 });
  const url = await sim.start(0);
  t.after(() => sim.stop());
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const redirect = 'http://127.0.0.1:9/page/';
  const authorize = async (extra = {}) => {
    const q = new URLSearchParams({ response_type: 'code', client_id: 'admin-page', redirect_uri: redirect, code_challenge: challenge,
      code_challenge_method: 'S256', state: 'st-1', ...extra });
    return fetch(`${url}/oauth/authorize?${q}`, { redirect: 'manual' });
  };
  const exchange = (code, v = verifier) => fetch(`${url}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: 'admin-page', code_verifier: v }) });
  const a = await authorize();
  assert.equal(a.status, 302);
  const back = new URL(a.headers.get('location'));
  assert.equal(back.origin + back.pathname, redirect);
  assert.equal(back.searchParams.get('state'), 'st-1');
  const code = back.searchParams.get('code');
  // PKCE is required, and only for known public clients.
  assert.equal((await authorize({ code_challenge_method: 'plain' })).status, 400);
  assert.equal((await authorize({ client_id: 'nobody' })).status, 400);
  // A wrong verifier is refused (and does not use the code up); the right one gives a token, once.
  const wrong = await exchange(code, crypto.randomBytes(32).toString('base64url'));
  assert.equal(wrong.status, 400);
  assert.equal((await wrong.json()).error, 'invalid_grant');
  const ok = await exchange(code);
  assert.equal(ok.status, 200);
  const token = (await ok.json()).access_token;
  assert.match(token, /^sim-token-/);
  assert.equal((await exchange(code)).status, 400, 'a code is used once');
  // The token lists the org's recording jobs; without one the API answers 401.
  const listing = await fetch(`${url}/api/v2/recording/jobs?state=PENDING&showOnlyMyJobs=false`, { headers: { Authorization: `Bearer ${token}`, Origin: 'http://127.0.0.1:9' } });
  assert.equal(listing.status, 200);
  assert.equal(listing.headers.get('access-control-allow-origin'), 'http://127.0.0.1:9');
  assert.equal((await fetch(`${url}/api/v2/recording/jobs?state=PENDING`)).status, 401);
  // A browser's preflight.
  const pre = await fetch(`${url}/api/v2/recording/jobs`, { method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:9', 'Access-Control-Request-Headers': 'authorization' } });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get('access-control-allow-headers'), /Authorization/);
  // A code not exchanged within authCodeTtlSeconds (simulated) is refused.
  const late = new URL((await authorize()).headers.get('location')).searchParams.get('code');
  await sim.clock.sleep(61000);
  const expired = await exchange(late);
  assert.equal(expired.status, 400);
  assert.match((await expired.json()).description, /expired/);
});
