// The JS shim: the contract's shape, errors, and behaviour at the JS/wasm boundary.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const eg = require('..');

const day = { start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z', channels: ['sms'] };

test('exports every operation of the core\'s table, with its declared parameters', () => {
  const table = eg.operations();
  assert.ok(table.length >= 18);
  for (const op of table) {
    assert.equal(typeof eg[op.name], 'function', op.name);
    assert.ok(['value', 'decision', 'preparedJobs', 'queueHandle'].includes(op.returns), op.name);
  }
  // More arguments than the table declares are refused (trailing undefineds are absent).
  assert.deepEqual(eg.decide(day, [], {}, 'extra').errors.map((e) => e.code), ['INVALID_ARGUMENT']);
  assert.throws(() => eg.schedule({}, 'extra'), { code: 'INVALID_ARGUMENT', message: /at most 1 arguments \(policy\)/ });
  assert.equal(eg.decide(day, [], undefined, undefined).action, 'submit');
  assert.equal(eg.limits().maxWorkers, 10000);
  assert.match(eg.version(), /^\d+\.\d+\.\d+$/);
  assert.ok(eg.timeZones().includes('Europe/London'));
  assert.ok(eg.timeZones().includes('UTC'));
  // Every IANA zone, links included, and the release they come from.
  for (const z of ['Europe/Rome', 'Asia/Tehran', 'Australia/Lord_Howe', 'US/Eastern']) assert.ok(eg.timeZones().includes(z), z);
  assert.deepEqual(eg.tzdata(), { version: '2025b', names: eg.timeZones().length });
});

test('ExportGuardError is a real Error with code, field and errors', () => {
  let caught;
  try {
    eg.buildPayload({ ...day, channels: ['sms', 'fax'] });
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof Error);
  assert.ok(caught instanceof eg.ExportGuardError);
  assert.equal(caught.name, 'ExportGuardError');
  assert.equal(caught.code, 'UNKNOWN_CHANNEL');
  assert.equal(caught.field, 'request.channels[1]');
  assert.match(caught.message, /whatsapp/);
  // The stack starts with the error's own header and points into the caller (this file).
  assert.ok(caught.stack.startsWith('ExportGuardError: ' + caught.message), caught.stack.split('\n')[0]);
  assert.match(caught.stack, /shim\.test\.js/);
  assert.deepEqual(caught.errors.map((e) => e.code), ['UNKNOWN_CHANNEL']);
  assert.deepEqual(JSON.parse(JSON.stringify(caught)).code, 'UNKNOWN_CHANNEL');
});

test('decide never throws for bad data, even for values JSON cannot carry', () => {
  const circular = { ...day };
  circular.self = circular;
  for (const bad of [undefined, null, 42, 'x', [], circular, { ...day, start: 10n }]) {
    const d = eg.decide(bad, []);
    assert.equal(d.action, 'reject');
    assert.ok(d.errors.length >= 1);
    assert.ok(d.errors.every((e) => e.code && typeof e.field === 'string' && e.message));
  }
});

test('NaN and Infinity are reported, not silently turned into null', () => {
  assert.throws(() => eg.schedule({ initialMs: NaN }), { code: 'INVALID_POLICY', field: 'policy.initialMs' });
  assert.throws(() => eg.schedule({ maxMs: Infinity }), { code: 'INVALID_POLICY', field: 'policy.maxMs' });
  assert.throws(() => eg.nextRetry(Infinity, { status: 503 }), { code: 'INVALID_ARGUMENT', field: 'attempt' });
});

test('Date objects are accepted as instants', () => {
  const d = eg.decide({ start: new Date(Date.UTC(2026, 10, 2)), end: new Date(Date.UTC(2026, 10, 3)), channels: ['sms'] }, []);
  assert.equal(d.action, 'submit');
  assert.equal(d.lockKey, '2026-11-02T00:00:00.000Z/2026-11-03T00:00:00.000Z');
});

test('the next call after an error still works (100 alternations)', () => {
  for (let i = 0; i < 100; i++) {
    assert.throws(() => eg.plan({ start: 'nope', end: 'nope' }), { code: 'INVALID_DATE' });
    assert.equal(eg.decide(day, []).action, 'submit');
  }
});

test('huge inputs give answers, not traps', () => {
  const jobs = [];
  for (let i = 0; i < 100000; i++) {
    const s = Date.UTC(2020, 0, 1) + i * 3600000;
    jobs.push({ id: 'j' + i, start: new Date(s).toISOString(), end: new Date(s + 3600000).toISOString(), status: 'COMPLETED' });
  }
  assert.equal(eg.decide(day, jobs).action, 'submit');
  const big = 'x'.repeat(1 << 20);
  assert.equal(eg.decide({ ...day, start: big }, []).errors[0].code, 'INVALID_DATE');
  assert.throws(() => eg.plan({ ...day, timeZone: big }), { code: 'UNKNOWN_TIME_ZONE' });
  assert.equal(eg.decide(day, []).action, 'submit');
});

test('the clock defaults to now', () => {
  const before = Date.now();
  const { item } = eg.enqueue(null, day);
  const at = Date.parse(item.enqueuedAt);
  assert.ok(at >= before - 1 && at <= Date.now() + 1, item.enqueuedAt);
});

test('a queue survives JSON persistence between runs', () => {
  let q = null;
  for (const start of ['2026-11-01', '2026-11-02', '2026-11-02', '2026-11-03']) {
    q = JSON.parse(JSON.stringify(eg.enqueue(q, { start, end: '2026-11-04', timeZone: 'UTC', channels: ['sms'] }, { now: 0 }).queue));
  }
  assert.equal(q.items.length, 3, 'the duplicate was not added');
  const r = eg.drain(q, [], { now: 0 });
  assert.equal(r.submit.length, 1, 'the three overlap: one goes now');
  assert.deepEqual(r.queue.items.map((i) => i.state), ['submitting', 'queued', 'queued'], 'released, not dropped');
  assert.equal(r.waitingCount, 2);
  assert.equal(r.waiting, undefined, 'compact by default');
  const detailed = eg.drain(q, [], { now: 0, waitingDetail: true });
  assert.deepEqual(detailed.waiting.map((w) => w.reason), ['overlapsSubmitted', 'overlapsSubmitted']);
  assert.deepEqual({ ...detailed, waiting: undefined }, { ...r, waiting: undefined }, 'the detail changes nothing else');
});

test('jitter without a seed differs between calls; with a seed it repeats', () => {
  const p = { jitter: 'full', maxAttempts: 30, initialMs: 60000 };
  assert.notDeepEqual(eg.schedule(p).steps, eg.schedule(p).steps);
  const s = { ...p, seed: 42 };
  assert.deepEqual(eg.schedule(s).steps, eg.schedule(s).steps);
});

test('ESM import from Node gives named exports', async () => {
  const url = require('url').pathToFileURL(require.resolve('..')).href;
  const mod = await import(url);
  assert.equal(typeof mod.decide, 'function');
  assert.equal(mod.decide(day, []).action, 'submit');
});

test('prepared job lists: parsed once, used anywhere activeJobs go, freed explicitly', () => {
  const jobs = [{ id: 'busy', start: '2026-11-02T10:00:00Z', end: '2026-11-02T11:00:00Z', status: 'IN_PROGRESS' }];
  const prepared = eg.prepareJobs(jobs);
  assert.ok(prepared instanceof eg.PreparedJobs);
  assert.equal(prepared.count, 1);
  assert.deepEqual(eg.decide(day, prepared), eg.decide(day, jobs));
  assert.deepEqual(eg.decideMany([day, day], prepared), eg.decideMany([day, day], jobs));
  assert.deepEqual(eg.plan(day, { activeJobs: prepared }), eg.plan(day, { activeJobs: jobs }));
  assert.deepEqual(eg.drain(eg.enqueue(null, day, { now: 0 }).queue, prepared, { now: 0, waitingDetail: true }).waiting[0].blockedBy, ['busy']);
  assert.equal(prepared.free(), true);
  assert.equal(prepared.free(), false);
  assert.equal(eg.decide(day, prepared).errors[0].code, 'INVALID_ARGUMENT');
  assert.throws(() => eg.prepareJobs([{ id: 1 }]), { code: 'INVALID_JOB', field: 'activeJobs[0].id' });
});

test('index.d.ts declares every operation of the table, and no operation that is not in it', () => {
  const dts = require('fs').readFileSync(require('path').join(__dirname, '..', 'index.d.ts'), 'utf8');
  const declared = [...new Set([...dts.matchAll(/^export function (\w+)\(/gm)].map((m) => m[1]))].sort(); // overloads once
  const table = eg.operations().map((op) => op.name).sort();
  assert.deepEqual(declared, table);
});

test('the default profile of a job that names none is the same for arrays and prepared lists', () => {
  const jobs = [1, 2, 3, 4, 5].map((d) => ({ id: 'd' + d, start: `2026-11-0${d}T00:00:00Z`, end: `2026-11-0${d}T06:00:00Z`, status: 'QUEUED' }));
  const req = { ...day, profile: 'conversationDetailsJobs' };
  const prepared = eg.prepareJobs(jobs);
  assert.equal(eg.decide(req, jobs).action, 'queue');
  assert.deepEqual(eg.decide(req, prepared), eg.decide(req, jobs));
  assert.equal(eg.decide(req, jobs, { profile: 'evaluationExports' }).action, 'submit');
  assert.equal(prepared.free(), true);
});

test('freeJobs takes a PreparedJobs, its $index or the number', () => {
  const a = eg.prepareJobs([]);
  const b = eg.prepareJobs([]);
  const c = eg.prepareJobs([]);
  assert.equal(eg.freeJobs(a), true);
  assert.equal(eg.freeJobs({ $index: b.index }), true);
  assert.equal(eg.freeJobs(c.index), true);
  assert.equal(eg.freeJobs(c), false);
});

test('large arguments cross as bytes and arrive as the same text (non-ASCII, astral, lone surrogates)', () => {
  const job = (id) => ({ id, start: '2026-11-02T10:00:00Z', end: '2026-11-02T11:00:00Z', status: 'IN_PROGRESS' });
  const ids = ['jöb', 'ジョブ', 'job-😀', 'lone-\ud800'];
  // Over the 512-character threshold of the byte path: the same job among filler jobs.
  const filler = Array.from({ length: 50 }, (_, i) => ({ ...job('f' + i), status: 'COMPLETED' }));
  for (const id of ids) {
    const small = eg.decide(day, [job(id)]);
    const large = eg.decide(day, filler.concat([job(id)]));
    assert.ok(JSON.stringify([day, filler.concat([job(id)])]).length > 512);
    assert.deepEqual(large.conflicts, small.conflicts, id);
    assert.deepEqual(large.errors.map((e) => e.code), small.errors.map((e) => e.code), id);
  }
  assert.deepEqual(eg.decide(day, filler.concat([job('job-😀')])).conflicts.map((c) => c.id), ['job-😀']);
});

test('prepared lists and kept queues dropped without free() are freed after garbage collection (no cap in a long-running process)', () => {
  const script = `
    const eg = require(${JSON.stringify(require.resolve('..'))});
    const jobs = [{ id: 'busy', start: '2026-11-02T10:00:00Z', end: '2026-11-02T11:00:00Z', status: 'IN_PROGRESS' }];
    (async () => {
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 600; i++) {
          eg.prepareJobs(jobs);
          eg.loadQueue(null); // kept queues go the same way
        }
        // Finalizers run in tasks of their own after a collection: give them a few.
        for (let t = 0; t < 5; t++) {
          global.gc();
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      const kept = eg.prepareJobs(jobs);
      const queue = eg.loadQueue(null);
      process.stdout.write(String(kept.count) + String(queue.count));
    })().catch((e) => { process.stdout.write('FAILED ' + e.code); });`;
  const out = require('child_process').execFileSync(process.execPath, ['--expose-gc', '-e', script]).toString();
  assert.equal(out, '10', '3,000 dropped lists and 3,000 dropped kept queues, more than the 1,000 alive at once of each, and new ones still come');
});
