'use strict';
// No operation leaks: after 100 calls of an operation (its first allocations, buffers
// grown to size), 10,000 more leave the wasm instance's memory where it was. Memory
// only grows, so a leak shows up as new pages once it exceeds the allocator's free space
// (what one call's temporaries left: tens of KB here), i.e. from tens of bytes per
// call. Every
// operation of the core's table must be listed here with typical arguments, including
// one that fails (error paths allocate too).
const test = require('node:test');
const assert = require('node:assert/strict');
const eg = require('..');
const { wasm_memory_bytes: memoryBytes } = require('../node/export_guard.js');

const NOW = '2026-11-28T11:00:00Z';
const day = { start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z', channels: ['sms'] };
const jobs = [
  { id: 'busy', start: '2026-11-02T10:00:00Z', end: '2026-11-02T11:00:00Z', status: 'IN_PROGRESS' },
  { id: 'done', start: '2026-11-01T00:00:00Z', end: '2026-11-02T00:00:00Z', status: 'COMPLETED' },
];
const queue = eg.enqueueMany(null, [day, { ...day, start: '2026-11-05T00:00:00Z', end: '2026-11-06T00:00:00Z' }], { now: NOW }).queue;
const stepped = eg.next(queue, [], { now: NOW });
const key = stepped.actions[0].key;
const accepted = { status: 200, body: { id: 'job-1', status: 'PENDING' } };

/** Per operation: a call with typical arguments. */
const CALLS = {
  decide: () => eg.decide(day, jobs),
  decideMany: () => eg.decideMany([day, day], jobs),
  prepareJobs: () => eg.prepareJobs(jobs).free(),
  freeJobs: () => eg.freeJobs(123456),
  parseJobs: () => eg.parseJobs(jobs),
  buildPayload: () => eg.buildPayload(day),
  plan: () => eg.plan({ start: '2026-11-01', end: '2026-11-08', timeZone: 'Europe/London' }, { workers: 3 }),
  enqueue: () => eg.enqueue(queue, { ...day, start: '2026-11-09T00:00:00Z', end: '2026-11-10T00:00:00Z' }, { now: NOW }),
  enqueueMany: () => eg.enqueueMany(queue, [day, { ...day, channels: ['voice'] }], { now: NOW }),
  drain: () => eg.drain(queue, jobs, { now: NOW }),
  next: () => eg.next(queue, jobs, { now: NOW }),
  record: () => eg.record(stepped.queue, key, accepted, { now: NOW }),
  recordMany: () => eg.recordMany(stepped.queue, [{ key, response: accepted }], { now: NOW }),
  inspectQueue: () => eg.inspectQueue(stepped.queue, jobs, { now: NOW }),
  prune: () => eg.prune(stepped.queue, { keep: 0 }),
  // A kept queue through its whole life: load, a step that changes it, save, free.
  loadQueue: () => { const k = eg.loadQueue(queue); eg.drain(k, jobs, { now: NOW }); eg.queueState(k); k.free(); },
  queueState: () => eg.queueState(stepped.queue),
  queueChanges: () => { const k = eg.loadQueue(queue); eg.next(k, null, { now: NOW }); eg.queueChanges(k); k.free(); },
  freeQueue: () => eg.freeQueue(123456),
  schedule: () => eg.schedule({ jitter: 'full', seed: 7 }),
  nextRetry: () => eg.nextRetry(2, { status: 429, headers: { 'Retry-After': '7' } }),
  readJob: () => eg.readJob('recordingJobs', { status: 200, body: { id: 'r1', state: 'READY' } }),
  profiles: () => eg.profiles(),
  timeZones: () => eg.timeZones(),
  tzdata: () => eg.tzdata(),
  channels: () => eg.channels(),
  limits: () => eg.limits(),
  operations: () => eg.operations(),
  version: () => eg.version(),
};

/** n calls of f; a typical call must succeed (an error would test only the error path). */
function run(f, n) {
  for (let i = 0; i < n; i++) f();
}

/** The error paths, which allocate too: a decide that rejects, and a plan that throws. */
function failing(n) {
  for (let i = 0; i < n; i++) {
    if (eg.decide({ start: 'x' }, 'not jobs').action !== 'reject') throw new Error('decide did not reject');
    let threw = null;
    try { eg.plan({ start: 'x' }); } catch (e) { threw = e; }
    if (!(threw instanceof eg.ExportGuardError)) throw new Error(`plan did not throw ExportGuardError: ${threw}`);
  }
}

test('every operation of the table is exercised here', () => {
  assert.deepEqual(Object.keys(CALLS).sort(), eg.operations().map((o) => o.name).sort());
});

for (const [name, f] of Object.entries(CALLS)) {
  test(`${name}: 10,000 calls leave wasm memory where the first 100 left it`, () => {
    run(f, 100);
    failing(100);
    const before = memoryBytes();
    run(f, 10000);
    failing(1000);
    assert.equal(memoryBytes(), before, `${name} grew the wasm memory from ${before} to ${memoryBytes()} bytes`);
  });
}

test('the check can fail: prepared lists that are never freed grow memory', () => {
  const many = Array.from({ length: 2000 }, (_, i) => ({ ...jobs[0], id: 'j' + i }));
  const before = memoryBytes();
  const kept = [];
  for (let i = 0; i < 50; i++) kept.push(eg.prepareJobs(many));
  assert.ok(memoryBytes() > before, 'holding 100,000 prepared jobs takes memory');
  for (const p of kept) p.free();
});
