// The shared JSON vectors against pkg/servicenow/ExportGuard.js in Rhino, with
// ServiceNow's restrictions imitated, through the runner Node uses too
// (tests/vectors/runner.js). Every result must meet its case's expectation and equal
// the Node/wasm build's byte for byte (out/vectors.node.json, written by
// pkg/test/vectors.test.js).
//
//   rhino -version 180 -opt -1 tests/rhino/vectors.js <repo root> [label]
// Prints timing numbers (not asserted: machines differs) and `N passed, N failed`.
var root = arguments[0];
load(root + '/tests/rhino/restrict.js');

function now() { return java.lang.System.nanoTime() / 1e6; }

var t0 = now();
load(root + '/tests/rhino/load-export-guard.js');
loadExportGuard(root);
var first = ExportGuard.decide({ start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z', channels: ['sms'] }, []);
var loadAndFirstMs = now() - t0;
if (first.action !== 'submit') throw new Error('first decide: ' + JSON.stringify(first));

var passed = 0, failed = 0, failures = [];
function check(name, ok, detail) {
  if (ok) { passed++; } else { failed++; failures.push(name + ': ' + detail); }
}

// 1. Every vector, compared with the Node result.
var expected = JSON.parse(readFile(root + '/out/vectors.node.json'));
var byKey = {};
for (var i = 0; i < expected.length; i++) byKey[expected[i].file + ' / ' + expected[i].name] = expected[i].result;

var names = [];
var dirs = ['', 'bad/'];
for (var di = 0; di < dirs.length; di++) {
  var files = new java.io.File(root + '/tests/vectors/' + dirs[di]).list();
  for (i = 0; i < files.length; i++) if (String(files[i]).match(/\.json$/)) names.push(dirs[di] + String(files[i]));
}
names.sort();

load(root + '/tests/vectors/runner.js');
var runner = vectorRunner(ExportGuard);
var skipped = 0;
var ran = 0;
for (var f = 0; f < names.length; f++) {
  var doc = JSON.parse(readFile(root + '/tests/vectors/' + names[f]));
  for (var c = 0; c < doc.cases.length; c++) {
    var kase = doc.cases[c], key = names[f] + ' / ' + kase.name;
    if (kase.tags && kase.tags.indexOf('huge') >= 0) { skipped++; continue; }
    var got = runner.run(kase);
    ran++;
    var want = byKey[key];
    check(key, want !== undefined && JSON.stringify(got) === want,
      want === undefined ? 'no Node result recorded' : '\n  rhino: ' + JSON.stringify(got) + '\n  node:  ' + want);
    var why = runner.mismatch(kase, got);
    check(key + ' (expect)', why === null, why);
  }
}
check('every Node vector ran in Rhino', ran + skipped === expected.length, ran + ' + ' + skipped + ' skipped of ' + expected.length);

// 2. After an error, the next call in the same scope still answers correctly.
for (i = 0; i < 20; i++) {
  var threw = false;
  try { ExportGuard.schedule({ factor: 'fast' }); } catch (e) { threw = e.code === 'INVALID_POLICY' && e.field === 'policy.factor'; }
  check('error ' + i, threw, 'no INVALID_POLICY');
  var bad = ExportGuard.decide({ start: '2026-02-30', end: 'x', channels: ['fax'] }, [{}]);
  check('reject ' + i, bad.action === 'reject' && bad.errors.length === 4, JSON.stringify(bad.errors));
  var good = ExportGuard.decide({ start: '2026-10-25', end: '2026-10-26', timeZone: 'Europe/London', channels: ['sms'] }, []);
  check('recovered ' + i, good.action === 'submit' && good.lockKey === '2026-10-24T23:00:00.000Z/2026-10-26T00:00:00.000Z', JSON.stringify(good));
}

// 3. Strings that need real UTF-8 (non-ASCII, astral, lone surrogates) survive the trip.
var odd = ExportGuard.decide({ start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z', channels: ['sms'] },
  [{ id: 'caf\u00e9-\u4e2d-\ud83d\ude00', start: '2026-11-02T05:00:00Z', end: '2026-11-02T06:00:00Z', status: 'QUEUED' }]);
check('utf-8 round trip', odd.conflicts[0].id === 'caf\u00e9-\u4e2d-\ud83d\ude00', JSON.stringify(odd.conflicts));
var lone = ExportGuard.decide({ start: '\ud800', end: 'x', channels: ['sms'] }, []);
check('lone surrogate', lone.action === 'reject' && lone.errors[0].code === 'INVALID_DATE', JSON.stringify(lone));

// 4. Timing: later decides with 100 active jobs.
var jobs = [];
for (i = 0; i < 100; i++) {
  var s = Date.UTC(2026, 9, 1) + i * 3600000 * 5;
  jobs.push({ id: 'job-' + i, start: new Date(s).toISOString(), end: new Date(s + 3600000 * 4).toISOString(), status: i % 3 ? 'COMPLETED' : 'IN_PROGRESS', channels: ['sms'] });
}
var req = { start: '2026-10-05', end: '2026-10-12', timeZone: 'Europe/London', channels: ['sms', 'whatsapp'] };
ExportGuard.decide(req, jobs);
var n = 20, t1 = now();
for (i = 0; i < n; i++) ExportGuard.decide(req, jobs);
var perDecideMs = (now() - t1) / n;
var d100 = ExportGuard.decide(req, jobs);
check('decide with 100 jobs', d100.action === 'queue' && d100.conflicts.length > 0, d100.action);

var mode = arguments[1] || 'rhino';
print(mode + ': ' + ran + ' vectors equal to Node (' + skipped + ' huge skipped); load + first decide ' + loadAndFirstMs.toFixed(0) + ' ms; decide with 100 jobs ' + perDecideMs.toFixed(2) + ' ms per call');
for (i = 0; i < failures.length; i++) print('FAIL ' + failures[i]);
print(passed + ' passed, ' + failed + ' failed');
if (failed) java.lang.System.exit(1);
