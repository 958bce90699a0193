// Timing of the ES5 build in Rhino for bench/bench.js: prints one line of numbers.
var root = arguments[0];
load(root + '/tests/rhino/restrict.js');
function now() { return java.lang.System.nanoTime() / 1e6; }
var t0 = now();
load(root + '/pkg/servicenow/ExportGuard.js');
ExportGuard.decide({ start: '2026-10-05T00:00:00Z', end: '2026-10-12T00:00:00Z', channels: ['sms'] }, []);
var first = now() - t0;
var jobs = [];
for (var i = 0; i < 100; i++) {
  var s = Date.UTC(2026, 9, 1) + i * 5 * 3600000;
  jobs.push({ id: 'job-' + i, start: new Date(s).toISOString(), end: new Date(s + 4 * 3600000).toISOString(), status: i % 20 === 0 ? 'IN_PROGRESS' : 'COMPLETED', channels: ['sms'] });
}
var req = { start: '2026-10-05T00:00:00Z', end: '2026-10-12T00:00:00Z', channels: ['sms'] };
ExportGuard.decide(req, jobs);
var n = 10, t1 = now();
for (i = 0; i < n; i++) ExportGuard.decide(req, jobs);
print('load+first ' + first.toFixed(0) + ' ms; decide100 ' + ((now() - t1) / n).toFixed(1) + ' ms');
