// The zone sample of tests/rhino/run-zones.js, in Rhino through the ServiceNow build:
// each case's local day, planned as one day window, must span exactly the oracle's
// instants. Prints `ZONES N days, M differ` and exits 1 on any difference.
//   rhino -version 180 -opt 0 tests/rhino/zones.js <repo root> <cases.json>
var root = arguments[0];
load(root + '/tests/rhino/restrict.js');
load(root + '/tests/rhino/load-export-guard.js');
loadExportGuard(root);

var input = JSON.parse(readFile(arguments[1]));
var problems = [];
var zones = ExportGuard.timeZones();
if (zones.length !== input.names) problems.push('timeZones() lists ' + zones.length + ' names, zic wrote ' + input.names);
var info = ExportGuard.tzdata();
if (info.names !== zones.length) problems.push('tzdata().names is ' + info.names + ', timeZones() lists ' + zones.length);

var t0 = java.lang.System.nanoTime();
var differ = 0;
for (var i = 0; i < input.cases.length; i++) {
  var c = input.cases[i];
  var p = ExportGuard.plan({ start: c.day, end: c.next, timeZone: c.zone }, { granularity: 'day' });
  var w = p.windows[0];
  if (p.windows.length !== 1 || w.start !== c.start || w.end !== c.end) {
    differ++;
    if (problems.length < 20) {
      problems.push(c.zone + ' ' + c.day + ': ' + JSON.stringify(p.windows) + ', zoneinfo ' + c.start + '/' + c.end);
    }
  }
}
var ms = (java.lang.System.nanoTime() - t0) / 1e6;
for (i = 0; i < problems.length; i++) print('FAIL ' + problems[i]);
print('ZONES ' + input.cases.length + ' days, ' + differ + ' differ (tz ' + info.version + ', ' +
  zones.length + ' names, ' + Math.round(ms) + ' ms)');
if (problems.length) java.lang.System.exit(1);
