// export-guard with the official Genesys Cloud JS SDK (purecloud-platform-client-v2,
// pinned as a dev dependency), pointed at the simulator through its gateway setting:
// readJob and nextRetry take the SDK's own objects as they are, in both of its modes.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const eg = require('..');
const { createSimulator } = require('../../sim/server');
const { SimClock } = require('../../sim/clock');

/** The error a promise rejects with; fails the test if it resolves. */
const rejection = (promise) => promise.then((v) => assert.fail(`expected a rejection, got ${JSON.stringify(v)}`), (err) => err);

/** A fresh SDK client (the SDK keeps a singleton; a new instance per mode is cleaner). */
function sdkFor(url, extended) {
  const platform = require('purecloud-platform-client-v2');
  const client = new platform.ApiClientClass();
  const u = new URL(url);
  client.setGateway({ host: u.hostname, protocol: 'http', port: Number(u.port) });
  client.setAccessToken('simulator-does-not-check-tokens');
  client.setReturnExtendedResponses(extended);
  return {
    conversations: new platform.ConversationsApi(client),
    recording: new platform.RecordingApi(client),
  };
}

const query = { interval: '2026-07-01T00:00:00.000Z/2026-07-02T00:00:00.000Z', order: 'asc',
  segmentFilters: [{ type: 'or', predicates: [{ type: 'dimension', dimension: 'messageType', operator: 'matches', value: 'sms' }] }] };

test('the SDK\'s resolved values: readJob reads a details job and a recording job through READY', async (t) => {
  const sim = createSimulator({ clock: new SimClock({ scale: 100 }), queuedMs: 5000, runMs: 5000, durationJitter: 0 });
  const url = await sim.start(0);
  t.after(() => sim.stop());
  const api = sdkFor(url, false);

  const created = await api.conversations.postAnalyticsConversationsDetailsJobs(query);
  const job = eg.readJob('conversationDetailsJobs', created, { call: 'submit' });
  assert.equal(job.phase, 'active');
  assert.match(job.jobId, /^cd-/);
  const status = await api.conversations.getAnalyticsConversationsDetailsJob(job.jobId);
  assert.equal(eg.readJob('conversationDetailsJobs', status, { call: 'poll' }).jobId, null, 'AsyncQueryStatus carries no id');

  const body = eg.buildPayload({ start: '2026-07-01T00:00:00Z', end: '2026-07-02T00:00:00Z', channels: ['voice'], profile: 'recordingJobs' },
    { integrationId: 's3-1', now: '2026-11-28T00:00:00Z' });
  const rec = eg.readJob('recordingJobs', await api.recording.postRecordingJobs(body), { call: 'submit' });
  assert.equal(rec.state, 'PENDING');
  await sim.clock.sleep(8000);
  const ready = eg.readJob('recordingJobs', await api.recording.getRecordingJob(rec.jobId), { call: 'poll' });
  assert.equal(ready.phase, 'ready');
  const exec = eg.profiles().find((p) => p.name === 'recordingJobs').rules.execute.value;
  const running = eg.readJob('recordingJobs', await api.recording.putRecordingJob(rec.jobId, exec.body), { call: 'execute' });
  assert.equal(running.state, 'PROCESSING');
  await sim.clock.sleep(8000);
  assert.equal(eg.readJob('recordingJobs', await api.recording.getRecordingJob(rec.jobId)).phase, 'completed');
});

test('the SDK\'s rejections: nextRetry takes the error body, and the extended response with its Retry-After', async (t) => {
  const sim = createSimulator({ clock: new SimClock({ scale: 1 }), rateLimit: { requests: 1, windowMs: 3600000 }, retryAfterSeconds: 7 });
  const url = await sim.start(0);
  t.after(() => sim.stop());

  await sdkFor(url, false).conversations.postAnalyticsConversationsDetailsJobs(query);
  const plain = await rejection(sdkFor(url, false).conversations.postAnalyticsConversationsDetailsJobs(query));
  assert.equal(plain.status, 429);
  assert.equal(plain.code, 'too.many.requests.retry.after');
  // Without extended responses the SDK drops the headers: the body's code is the hint.
  const v1 = eg.nextRetry(1, plain, null, { profile: 'conversationDetailsJobs' });
  assert.equal(v1.action, 'retry');
  assert.equal(v1.retryAfterMs, undefined);
  assert.match(v1.reason, /too\.many\.requests\.retry\.after.*extended responses/);

  const extended = await rejection(sdkFor(url, true).conversations.postAnalyticsConversationsDetailsJobs(query));
  assert.equal(extended.status, 429);
  assert.ok(extended.headers && extended.body && 'error' in extended, Object.keys(extended).join(','));
  const v2 = eg.nextRetry(1, extended, null, { profile: 'conversationDetailsJobs' });
  assert.equal(v2.action, 'retry');
  assert.equal(v2.retryAfterMs, 7000, v2.reason);
  assert.throws(() => eg.readJob('conversationDetailsJobs', extended), { code: 'INVALID_RESPONSE', field: 'response.status' });
});
