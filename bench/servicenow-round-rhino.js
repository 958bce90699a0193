// One ServiceNow round timed in Rhino (numbers, not a test), for bench/servicenow-round.js:
//   rhino -version 180 -opt <level> bench/servicenow-round-rhino.js <root> <simulator URL> <items> <maxInDoubt> [<scripts>]
// (<scripts>: a folder with another build's ServiceNow scripts; default <root>/pkg/servicenow)
// Queues <items> evaluation exports (one a day, none overlapping), then times one
// processDue that submits and polls every one of them to the end, and the share of that
// time spent in HTTP (measured around each call of the RESTMessageV2 stand-in). Prints
// one JSON line.
var root = arguments[0], baseUrl = arguments[1], n = Number(arguments[2]), maxInDoubt = Number(arguments[3]);
var scripts = arguments[4] || root + '/pkg/servicenow';
load(root + '/tests/rhino/restrict.js');
load(root + '/tests/rhino/servicenow-standins.js');
load(root + '/tests/rhino/load-export-guard.js');
loadExportGuard(root, scripts);
load(scripts + '/ExportGuardRunner.js');
function ms() { return java.lang.System.nanoTime() / 1e6; }
// The CPU time of this thread: on a shared machine, the time other processes (and the
// JVM's compiler and collector threads) take the cores from it is left out.
var threads = java.lang.management.ManagementFactory.getThreadMXBean();
function cpuMs() { return threads.getCurrentThreadCpuTime() / 1e6; }
var httpMs = 0, real = javaHttp;
javaHttp = function (method, url, body, headers) {
  var t0 = ms();
  try { return real(method, url, body, headers); } finally { httpMs += ms() - t0; }
};
function simNow() { return Date.parse(JSON.parse(real('GET', baseUrl + '/sim/health', null, {}).text).now); }
function round(k) {
  Tables.data = {};
  Http.calls = [];
  var runner = new ExportGuardRunner({ baseUrl: baseUrl, clientId: 'servicenow', node: 'bench', now: simNow, maxSteps: 1000,
    options: { pollMs: 1, maxInDoubt: maxInDoubt } });
  var base = Date.UTC(2020, 0, 1) + k * 1000 * 86400000;
  for (var i = 0; i < n; i++) {
    var q = runner.request({ start: new Date(base + i * 86400000).toISOString(), end: new Date(base + (i + 1) * 86400000).toISOString(), channels: ['sms'] });
    if (q.action !== 'queued') throw new Error(JSON.stringify(q));
  }
  httpMs = 0;
  var t0 = ms(), c0 = cpuMs();
  var s = runner.processDue();
  var total = ms() - t0, cpu = cpuMs() - c0;
  var done = (Tables.data.u_export_guard_item || []).filter(function (r) { return r.u_state === 'completed'; }).length;
  if (done !== n) throw new Error('the round completed ' + done + ' of ' + n + ': ' + JSON.stringify(s));
  return { roundMs: total, cpuMs: cpu, httpMs: httpMs, calls: s.calls, steps: s.steps };
}
round(0); // warm-up: the JVM compiles the hot paths
var best = null, bestCpu = null;
for (var r = 1; r <= 3; r++) {
  var x = round(r);
  if (!best || x.roundMs < best.roundMs) best = x;
  bestCpu = bestCpu === null ? x.cpuMs : Math.min(bestCpu, x.cpuMs);
}
print(JSON.stringify({ items: n, maxInDoubt: maxInDoubt, roundMs: Math.round(best.roundMs), cpuMs: Math.round(bestCpu), httpMs: Math.round(best.httpMs),
  scriptMs: Math.round(best.roundMs - best.httpMs), calls: best.calls, steps: best.steps,
  scriptMsPerCall: Math.round((best.roundMs - best.httpMs) / best.calls * 100) / 100 }));
