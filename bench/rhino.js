// Timing of the ServiceNow build in Rhino, for bench/bench.js (numbers, not a test):
//   rhino -version 180 -opt <level> bench/rhino.js <repo root>
// Prints one JSON line:
//   compiled     true when every script (ExportGuardCore1..N, ExportGuard) is a compiled
//                class, false when Rhino interprets one of them
//   coldLoadMs   loading every script + the first decide, in this fresh JVM
//   warmLoadMs   the same in a warm JVM (a ServiceNow node's JVM is long-lived), with
//                every script compiled again (copies at new paths: the shell caches
//                compiled scripts by path)
//   cachedLoadMs the same with the compiled scripts cached (the shell's cache): running
//                the top levels only. Whether ServiceNow keeps a Script Include's
//                compiled form between transactions is not documented that we know.
//   decide100Ms  decide with 100 jobs passed as an array, per call, after 30 warm-up calls
//   nextRetryMs  nextRetry on a 429 with Retry-After, per call, after warm-up
var root = arguments[0];
load(root + '/tests/rhino/restrict.js');
load(root + '/tests/rhino/load-export-guard.js');
function now() { return java.lang.System.nanoTime() / 1e6; }
var req = { start: '2026-10-05T00:00:00Z', end: '2026-10-12T00:00:00Z', channels: ['sms'] };

// Copies of the scripts at fresh paths, so that the shell compiles them again.
function freshCopy() {
  var dir = java.nio.file.Files.createTempDirectory('eg-bench');
  var to = dir.resolve('pkg/servicenow');
  java.nio.file.Files.createDirectories(to);
  var from = new java.io.File(root + '/pkg/servicenow').listFiles();
  for (var k = 0; k < from.length; k++) {
    java.nio.file.Files.copy(from[k].toPath(), to.resolve(from[k].getName()));
  }
  copies.push(dir);
  return String(dir.toString());
}
var copies = [];
function removeCopies() {
  for (var k = 0; k < copies.length; k++) {
    var files = copies[k].resolve('pkg/servicenow').toFile().listFiles();
    for (var f = 0; f < files.length; f++) files[f]['delete']();
    copies[k].resolve('pkg/servicenow').toFile()['delete']();
    copies[k].resolve('pkg').toFile()['delete']();
    copies[k].toFile()['delete']();
  }
}
function loadAndDecide(where) {
  var t0 = now();
  loadExportGuard(where);
  var d = ExportGuard.decide(req, []);
  if (d.action !== 'submit') throw new Error('first decide: ' + JSON.stringify(d));
  return now() - t0;
}
var cold = loadAndDecide(root);
var warm = 1e9;
for (var r = 0; r < 3; r++) warm = Math.min(warm, loadAndDecide(freshCopy()));
var cached = 1e9;
for (r = 0; r < 3; r++) cached = Math.min(cached, loadAndDecide(root));
removeCopies();

var Interpreted = java.lang.Class.forName('org.mozilla.javascript.InterpretedFunction');
var compiled = !Interpreted.isInstance(ExportGuard.decide);
for (var p = 1; this['ExportGuardCore' + p]; p++) compiled = compiled && !Interpreted.isInstance(this['ExportGuardCore' + p]);

var jobs = [];
for (var i = 0; i < 100; i++) {
  var s = Date.UTC(2026, 9, 1) + i * 5 * 3600000;
  jobs.push({ id: 'job-' + i, start: new Date(s).toISOString(), end: new Date(s + 4 * 3600000).toISOString(), status: i % 20 === 0 ? 'IN_PROGRESS' : 'COMPLETED', channels: ['sms'] });
}
function per(n, warmup, f) {
  for (var k = 0; k < warmup; k++) f();
  var t = now();
  for (k = 0; k < n; k++) f();
  return (now() - t) / n;
}
var decide100 = per(20, 30, function () { ExportGuard.decide(req, jobs); });
var answer = { status: 429, headers: { 'Retry-After': '7' } };
var nextRetry = per(200, 200, function () { ExportGuard.nextRetry(1, answer); });
print(JSON.stringify({ compiled: compiled, coldLoadMs: Math.round(cold), warmLoadMs: Math.round(warm), cachedLoadMs: Math.round(cached),
  decide100Ms: Math.round(decide100 * 10) / 10, nextRetryMs: Math.round(nextRetry * 100) / 100 }));
