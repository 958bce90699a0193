'use strict';
// Kept queues (loadQueue / QueueHandle): every queue operation answers the same with a
// kept queue as with a JSON state, except that `queue` is the handle itself; a failed
// call leaves the kept queue as it was; save and load round-trip; freeing is final.
const test = require('node:test');
const assert = require('node:assert/strict');
const eg = require('..');

const NOW = Date.parse('2026-11-28T10:00:00Z');
const at = (s) => new Date(NOW + s * 1000).toISOString();
const H = 3600000;

function requests(n, profile) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const s = Date.parse('2026-10-01T00:00:00Z') + (i * 7 % 40) * 6 * H;
    out.push({ start: new Date(s).toISOString(), end: new Date(s + 30 * H).toISOString(), channels: ['sms'], profile });
  }
  return out;
}
const jobs = [{ id: 'busy', start: '2026-10-03T00:00:00Z', end: '2026-10-04T00:00:00Z', status: 'IN_PROGRESS' }];

/** Runs `op` on the JSON state and on the kept queue; checks the answers agree. */
function both(state, kept, op, ...rest) {
  const a = eg[op](state, ...rest);
  const b = eg[op](kept, ...rest);
  assert.equal(b.queue, kept, `${op} answers the same QueueHandle as queue`);
  const strip = (x) => { const { queue, ...other } = x; return other; };
  assert.deepEqual(strip(b), strip(a), `${op}: same answer`);
  assert.deepEqual(kept.state(), a.queue, `${op}: the kept state equals the JSON state`);
  return a;
}

test('a kept queue answers as a JSON state would, through the whole lifecycle', () => {
  let state = null;
  const kept = eg.loadQueue(null);
  assert.ok(kept instanceof eg.QueueHandle);
  assert.equal(kept.count, 0);
  state = both(state, kept, 'enqueueMany', requests(40, 'evaluationExports').concat(requests(6, 'conversationDetailsJobs')), { now: at(0) }).queue;
  state = both(state, kept, 'enqueue', requests(1, 'recordingJobs')[0], { now: at(0) }).queue;
  const drained = both(state, kept, 'drain', jobs, { now: at(1), integrationId: 'int-1' });
  state = drained.queue;
  assert.ok(drained.submit.length > 0);
  const stepped = both(state, kept, 'next', jobs, { now: at(2), integrationId: 'int-1' });
  state = stepped.queue;
  // Answers for the released items: evaluation exports and details jobs accepted.
  const answers = drained.submit.map((item, i) => ({
    key: item.key,
    response: item.profile === 'conversationDetailsJobs'
      ? { status: 202, body: { jobId: 'd-' + i } }
      : { status: 202, body: { id: 'e-' + i, status: 'QUEUED' } },
  }));
  state = both(state, kept, 'recordMany', answers.slice(1), { now: at(3) }).queue;
  state = both(state, kept, 'record', answers[0].key, answers[0].response, { now: at(3) }).queue;
  assert.deepEqual(eg.inspectQueue(kept, jobs, { now: at(4) }), eg.inspectQueue(state, jobs, { now: at(4) }));
  state = both(state, kept, 'prune', { keep: 0 }).queue;
  // Saved and loaded again: the same state.
  const saved = JSON.parse(JSON.stringify(kept.state()));
  const again = eg.loadQueue(saved);
  assert.deepEqual(again.state(), state);
  assert.equal(again.count, state.items.length);
  assert.deepEqual(eg.queueState(state), state, 'queueState of a JSON state checks and returns it');
  assert.equal(again.free(), true);
  assert.equal(kept.free(), true);
  assert.equal(kept.free(), false, 'freed already');
  assert.throws(() => eg.enqueue(kept, requests(1)[0]), (e) => e.code === 'INVALID_QUEUE' && e.field === 'queue' && /loadQueue/.test(e.message));
});

test('a failed call leaves a kept queue as it was', () => {
  const kept = eg.loadQueue(null);
  eg.enqueueMany(kept, requests(3, 'recordingJobs'), { now: at(0) });
  const before = kept.state();
  // drain needs integrationId for recording jobs: refused after the lifecycle step ran.
  assert.throws(() => eg.drain(kept, [], { now: at(1) }), (e) => e.code === 'MISSING_INTEGRATION_ID');
  assert.deepEqual(kept.state(), before);
  assert.throws(() => eg.record(kept, 'no such key', { status: 200, body: {} }, { now: at(1) }), (e) => e.code === 'STALE_ANSWER');
  assert.deepEqual(kept.state(), before);
  assert.throws(() => eg.enqueue(kept, { start: 'nope' }), (e) => e.code === 'INVALID_DATE');
  assert.deepEqual(kept.state(), before);
  assert.throws(() => eg.next(kept, [], { now: at(1), integrationId: 'int-1', splitByChannel: true }), (e) => e.field === 'options.splitByChannel');
  assert.deepEqual(kept.state(), before);
  assert.throws(() => eg.next(kept, [{ id: 'x' }], { now: at(1), integrationId: 'int-1' }), (e) => e.code === 'INVALID_JOB');
  assert.deepEqual(kept.state(), before);
  // And a call that succeeds does change it.
  eg.drain(kept, [], { now: at(1), integrationId: 'int-1' });
  assert.notDeepEqual(kept.state(), before);
  kept.free();
});

test('kept queues are counted, the limit names free(), and queueState/freeQueue take the handle or its number', () => {
  const kept = eg.loadQueue({ items: [], nextSeq: 5, version: 2 });
  assert.deepEqual(eg.queueState(kept), { items: [], nextSeq: 5, version: 3 });
  assert.deepEqual(JSON.parse(JSON.stringify(kept)), { $queue: kept.index });
  assert.match(String(kept), /^\[QueueHandle #\d+\]$/);
  assert.equal(eg.freeQueue({ $queue: kept.index }), true);
  assert.equal(eg.freeQueue(kept.index), false);
  assert.throws(() => eg.freeQueue('x'), (e) => e.code === 'INVALID_ARGUMENT' && e.field === 'queue');
  assert.throws(() => eg.loadQueue({ items: [{}] }), (e) => e.code === 'INVALID_QUEUE');
  const live = [];
  const max = eg.limits().maxPreparedJobLists;
  try {
    assert.throws(() => { for (let i = 0; i <= max; i++) live.push(eg.loadQueue(null)); }, (e) => /free\(\)/.test(e.message));
    assert.equal(live.length, max);
  } finally {
    for (const q of live) q.free();
  }
  assert.equal(eg.loadQueue(null).free(), true, 'freed handles make room again');
});
