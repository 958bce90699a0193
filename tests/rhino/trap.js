// Trap recovery and size limits in Rhino (the batch-speed issue): a real trap in the
// core (wasm2js throws) replaces the instance, the next call works, and a prepared list
// of the old instance answers STALE_HANDLE. ServiceNow's restrictions are imitated.
//
//   rhino -version 180 -opt 0 tests/rhino/trap.js <repo root> [--no-limits]
// Prints `N passed, N failed` and throws on a failure. --no-limits skips the lists one
// over each limit (a million jobs take Rhino's interpreter about 80 s).
var root = arguments[0];
var limitsToo = arguments[1] !== '--no-limits';
load(root + '/tests/rhino/restrict.js');
load(root + '/tests/rhino/load-export-guard.js');
loadExportGuard(root);

var passed = 0, failures = [];
function check(name, ok, detail) {
  if (ok) passed++; else failures.push(name + (detail ? ': ' + detail : ''));
}
function code(fn) {
  try { fn(); } catch (e) { return e.code || ('not typed: ' + e); }
  return 'no error';
}

var eg = ExportGuard;
var request = { start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z', channels: ['sms'] };
var jobs = [{ id: 'busy', start: '2026-11-02T10:00:00Z', end: '2026-11-02T11:00:00Z', status: 'IN_PROGRESS' }];
var prepared = eg.prepareJobs(jobs);
var kept = eg.loadQueue(null);
eg.enqueue(kept, request, { now: '2026-11-01T00:00:00Z' });
check('prepared list decides', eg.decide(request, prepared).action === 'queue');

eg.__testing.trapNextCall();
check('a trap is CORE_TRAPPED', code(function () { eg.version(); }) === 'CORE_TRAPPED');
check('a fresh instance', eg.__testing.instances() === 2, eg.__testing.instances());
check('really fresh: the old list is not in it', eg.freeJobs(prepared.index) === false);
check('the next call works', eg.decide(request, jobs).action === 'queue');
eg.__testing.trapNextCall();
var d = eg.decide(request, jobs);
check('a trapped decision is a reject', d.action === 'reject' && d.errors[0].code === 'CORE_TRAPPED', JSON.stringify(d));
var stale = eg.decide(request, prepared);
check('an old prepared list is STALE_HANDLE', stale.errors.length > 0 && stale.errors[0].code === 'STALE_HANDLE', JSON.stringify(stale));
check('free() of an old list is false', prepared.free() === false);
check('an old kept queue is STALE_HANDLE', code(function () { eg.drain(kept, jobs); }) === 'STALE_HANDLE');
check('free() of an old kept queue is false', kept.free() === false);
var fresh = eg.prepareJobs(jobs);
check('a new list works', eg.decide(request, fresh).action === 'queue' && fresh.free() === true);

// Limits plus one, then a call that must work.
function over(n) { var a = []; for (var i = 0; i <= n; i++) a.push({}); return a; }
if (limitsToo) {
  var limits = eg.limits();
  check('jobs over maxJobs', code(function () { eg.prepareJobs(over(limits.maxJobs)); }) === 'TOO_LARGE');
  check('requests over maxBatch', code(function () { eg.decideMany(over(limits.maxBatch), []); }) === 'TOO_LARGE');
  check('queue items over maxQueueItems', code(function () { eg.inspectQueue({ items: over(limits.maxQueueItems) }, []); }) === 'TOO_LARGE');
  check('the next call works after the limits', eg.decide(request, jobs).action === 'queue');
}

print('rhino trap recovery: ' + passed + ' passed, ' + failures.length + ' failed');
if (failures.length) throw new Error(failures.join('\n'));
