'use strict';
// Size limits and trap recovery (the batch-speed issue): every limit plus one is a typed
// TOO_LARGE before anything big is allocated, and a real wasm trap replaces the instance,
// so the next call works. The same sequence runs on the Node build and on the ES5 build
// (in a vm context, as ServiceNow runs it); tests/rhino/trap.js runs it in Rhino and
// www/test/ui.test.js in Chromium.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const eg = require('..');

const limits = eg.limits();
const request = { start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z', channels: ['sms'] };
const jobs = [{ id: 'busy', start: '2026-11-02T10:00:00Z', end: '2026-11-02T11:00:00Z', status: 'IN_PROGRESS' }];

function tooLarge(fn, field) {
  assert.throws(fn, (e) => e instanceof eg.ExportGuardError && e.code === 'TOO_LARGE' && e.field === field,
    'a TOO_LARGE error at ' + JSON.stringify(field));
  assert.equal(eg.decide(request, jobs).action, 'queue', 'the next call works');
}

test('every list one over its limit is TOO_LARGE, and the next call works', () => {
  const over = (n) => new Array(n + 1).fill({});
  tooLarge(() => eg.prepareJobs(over(limits.maxJobs)), 'activeJobs');
  tooLarge(() => eg.parseJobs(over(limits.maxJobs)), 'activeJobs');
  assert.equal(eg.decide(request, over(limits.maxJobs)).errors[0].code, 'TOO_LARGE');
  tooLarge(() => eg.decideMany(over(limits.maxBatch), []), 'requests');
  tooLarge(() => eg.enqueueMany(null, over(limits.maxBatch)), 'requests');
  tooLarge(() => eg.inspectQueue({ items: over(limits.maxQueueItems) }, []), 'queue.items');
  // Objects and arrays anywhere in the arguments (here in options): each would cost a
  // tree node of a few hundred bytes.
  tooLarge(() => eg.schedule({ seed: new Array(limits.maxInputContainers).fill([]) }), '');
});

test('arguments over maxInputBytes are TOO_LARGE before they are parsed', () => {
  const big = 'x'.repeat(limits.maxInputBytes);
  tooLarge(() => eg.parseJobs(big), '');
});

/**
 * The recovery sequence, for any build's API object: a prepared list, a forced trap,
 * the typed errors that follow, and calls that work.
 */
function recovery(api, isError) {
  const prepared = api.prepareJobs(jobs);
  assert.equal(api.decide(request, prepared).action, 'queue');
  const kept = api.loadQueue(null);
  api.enqueue(kept, request, { now: '2026-11-01T00:00:00Z' });
  const before = api.__testing.instances();

  api.__testing.trapNextCall();
  assert.throws(() => api.version(), (e) => isError(e) && e.code === 'CORE_TRAPPED' && /replaced with a fresh instance/.test(e.message));
  assert.equal(api.__testing.instances(), before + 1, 'a fresh instance');
  // Really a fresh one: the old instance's list is not in it (the bare number is not
  // checked by the shim, so this asks the core itself).
  assert.equal(api.freeJobs(prepared.index), false, 'the new instance has no prepared lists');
  assert.equal(api.decide(request, jobs).action, 'queue', 'the next call works');

  // A decision never throws: a trap during one is a reject decision.
  api.__testing.trapNextCall();
  const d = api.decide(request, jobs);
  assert.equal(d.action, 'reject');
  assert.equal(d.errors[0].code, 'CORE_TRAPPED');
  assert.equal(api.decide(request, jobs).action, 'queue');

  // The list prepared before is gone with its instance: a typed error, not another list.
  const stale = api.decide(request, prepared);
  assert.equal(stale.action, 'reject');
  assert.equal(stale.errors[0].code, 'STALE_HANDLE');
  assert.throws(() => api.decideMany([request], prepared), (e) => isError(e) && e.code === 'STALE_HANDLE');
  assert.equal(prepared.free(), false);
  assert.throws(() => api.drain(kept, jobs), (e) => isError(e) && e.code === 'STALE_HANDLE' && e.field === 'queue');
  assert.equal(kept.free(), false);
  const fresh = api.prepareJobs(jobs);
  assert.equal(api.decide(request, fresh).action, 'queue');
  assert.equal(fresh.free(), true);
}

test('Node build: a trap replaces the instance; the next call works; old prepared lists answer STALE_HANDLE', () => {
  recovery(eg, (e) => e instanceof eg.ExportGuardError);
});

test('ES5 build (the ServiceNow scripts in a bare context): the same recovery', () => {
  const dir = path.join(__dirname, '..', 'servicenow');
  const files = fs.readdirSync(dir).filter((f) => /^ExportGuardCore\d+\.js$/.test(f)).sort().concat(['ExportGuard.js']);
  const ctx = vm.createContext({ Date, Math, JSON, Error, Object, String, Number, Array, isFinite, RegExp, TypeError, RangeError });
  for (const f of files) vm.runInContext(fs.readFileSync(path.join(dir, f), 'utf8'), ctx, { filename: f });
  const api = vm.runInContext('ExportGuard', ctx);
  recovery(api, (e) => e instanceof api.ExportGuardError);
  // Limits hold there too (a smaller list: the ES5 build is slower).
  assert.throws(() => api.prepareJobs(new Array(limits.maxJobs + 1).fill({})), (e) => e.code === 'TOO_LARGE');
  assert.equal(api.decide(request, jobs).action, 'queue');
});
