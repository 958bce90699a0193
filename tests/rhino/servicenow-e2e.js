// The example Script Include (pkg/servicenow/ExportGuardRunner.js) end to end in Rhino,
// with ServiceNow's restrictions imitated, over real HTTP to the Node simulator (the same
// faithful Genesys stand-in as the load run): all three profiles, READY → PUT, a
// transaction killed between its calls and their record, a second node that must not
// act while the queue is claimed, a completed export requested again.
//   rhino -version 180 -opt -1 tests/rhino/servicenow-e2e.js <repo root> <simulator URL>
// Run by tests/rhino/run-servicenow-e2e.js, which starts the simulator and audits its
// record of exports against the RESULT line printed last.
var root = arguments[0], baseUrl = arguments[1];
load(root + '/tests/rhino/restrict.js');
load(root + '/tests/rhino/servicenow-standins.js');
load(root + '/tests/rhino/install-update-set.js');
// The build as an admin installs it: from its update set, not from pkg/servicenow/*.js.
var installed = installUpdateSet(root);

var passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) passed++; else { failed++; print('FAIL ' + name + (detail === undefined ? '' : ': ' + detail)); }
}
check('the update set installs every Script Include, the core parts first',
  installed.scripts.join() === 'ExportGuardCore1,ExportGuardCore2,ExportGuardCore3,ExportGuard,ExportGuardRunner', installed.scripts.join());
check('the update set makes both tables with their unique indexes',
  JSON.stringify(Tables.unique) === JSON.stringify({ u_export_guard_item: ['u_live_key'], u_export_guard_lock: ['u_name'] }), JSON.stringify(Tables.unique));
check('the scheduled job comes inactive', installed.jobs['Export Guard: process queue'] && !installed.jobs['Export Guard: process queue'].active);
// The item rows (the $queue row holds the queue's pauses and listings, not an item).
function rows() { return (Tables.data.u_export_guard_item || []).filter(function (r) { return r.u_key !== '$queue'; }); }
function rowOf(key) { var r = null; for (var i = 0; i < rows().length; i++) if (rows()[i].u_key === key) r = rows()[i]; return r; }
function simNow() { return Date.parse(JSON.parse(javaHttp('GET', baseUrl + '/sim/health', null, {}).text).now); }
function config(node, extra) {
  var c = { baseUrl: baseUrl, integrationId: 'sim-s3-integration', clientId: 'servicenow', node: node, now: simNow,
    options: { pollMs: 5000, maxActiveJobs: 2 } };
  for (var k in extra || {}) c[k] = extra[k];
  return c;
}
function day(d) { return '2026-07-' + (d < 10 ? '0' : '') + d; }

// 1. Requests for the three profiles. Nothing is sent yet; overlapping evaluation exports
// and a same-range request for other channels are queued, not refused as duplicates.
var runner = new ExportGuardRunner(config('node-a'));
var requests = [
  { start: day(1), end: day(3), timeZone: 'UTC', channels: ['sms'] },
  { start: day(2), end: day(4), timeZone: 'UTC', channels: ['sms'] },
  { start: day(1), end: day(3), timeZone: 'UTC', channels: ['whatsapp'] },
  { start: day(10), end: day(11), timeZone: 'UTC', channels: ['voice'] }
];
for (var d = 1; d <= 4; d++) {
  requests.push({ start: day(d), end: day(d + 1), timeZone: 'UTC', channels: ['sms'], profile: 'conversationDetailsJobs' });
  requests.push({ start: day(d), end: day(d + 1), timeZone: 'UTC', channels: ['voice'], profile: 'recordingJobs' });
}
var keys = [];
for (var i = 0; i < requests.length; i++) {
  var q = runner.request(requests[i]);
  check('request ' + i + ' queued', q.action === 'queued', JSON.stringify(q));
  keys.push(q.key);
}
check('no HTTP call before processDue', Http.calls.length === 0);
check('the same export again is a duplicate', runner.request(requests[0]).action === 'duplicate');
var bad = runner.request({ start: day(1), end: day(2), timeZone: 'UTC', channels: [] });
check('a request without channels is rejected before any call', bad.action === 'reject' && bad.errors[0].code === 'NO_CHANNELS', JSON.stringify(bad));

// 2. A transaction dies after its first submit, before recording the answer, and without
// releasing its claim: the leased queue was saved first, so nothing is lost.
var lost = [];
// Its claim: 60 simulated minutes, 18 s here (10 minutes, 3 s, expired before the second
// node looked when interpreted Rhino ran on a busy machine).
var killed = new ExportGuardRunner(config('node-dead', { claimMs: 3600000 }));
killed._call = function (action) {
  var answer = ExportGuardRunner.prototype._call.call(this, action);
  if (action.kind !== 'submit') return answer;
  lost.push(action.profile + ' ' + action.kind);
  throw new Error('transaction killed after its call');
};
killed._release = function () {};
var died = false;
try { killed.processDue(); } catch (e) { died = /transaction killed/.test(e.message); }
check('the transaction died', died);
var leased = 0;
for (var r = 0; r < rows().length; r++) if (rows()[r].u_state === 'submitting') leased++;
check('its calls were leased in the table before they were made', leased >= 1, leased);

// 3. Another node must not act while the dead node's claim holds.
var callsBefore = Http.calls.length;
var s = runner.processDue();
check('a second node does not act on a claimed queue', !s.claimed && Http.calls.length === callsBefore, JSON.stringify(s));

// 4. The scheduled job runs until every item is final (the claim expires, the leases
// expire: recording jobs are looked for in the listing, the others resubmitted).
function drain(label) {
  var deadline = java.lang.System.currentTimeMillis() + 120000, events = {};
  for (;;) {
    var left = 0;
    for (var j = 0; j < rows().length; j++) if (rows()[j].u_state !== 'completed' && rows()[j].u_state !== 'failed') left++;
    if (!left) return events;
    if (java.lang.System.currentTimeMillis() > deadline) {
      var stuck = [];
      for (var x = 0; x < rows().length; x++) {
        var row = rows()[x];
        if (row.u_state !== 'completed' && row.u_state !== 'failed') stuck.push(row.u_key + ' ' + row.u_state + ': ' + row.u_item);
      }
      check(label + ' finished in time', false, left + ' items left: ' + stuck.join('; '));
      return events;
    }
    var sum = runner.processDue();
    for (var e in sum.events) events[e] = (events[e] || 0) + sum.events[e];
    java.lang.Thread.sleep(20);
  }
}
var events = drain('the first run');
for (var k = 0; k < keys.length; k++) {
  var row = rowOf(keys[k]);
  check(keys[k] + ' completed', row.u_state === 'completed' && row.u_job_id, row.u_state + ' ' + row.u_reason);
  check(keys[k] + ' freed its live key', !row.u_live_key);
}
check('READY recording jobs were executed', events.executed >= 4, JSON.stringify(events));
check('the claim table is empty at the end', (Tables.data.u_export_guard_lock || []).length === 0);

// 5. A completed export requested again is a new export, reported as such.
var again = runner.request(requests[0]);
check('a completed export requested again is queued as a new one', again.action === 'queued' && again.previous === 'completed', JSON.stringify(again));
drain('the second run');
check('the new export completed', rowOf(keys[0]).u_state === 'completed' && rows().length === keys.length + 1);

// 6. A bulk request (a quarter of details jobs, local months in New York) is split into
// its month parts, one row each, and exported.
var bulk = runner.request({ profile: 'conversationDetailsJobs', start: '2026-01-01', end: '2026-04-01', timeZone: 'America/New_York', channels: ['sms'] });
check('a quarter is queued as its three month parts', bulk.action === 'queued' && bulk.parts && bulk.parts.length === 3 &&
  bulk.key === 'conversationDetailsJobs|2026-01-01T05:00:00.000Z/2026-04-01T04:00:00.000Z|sms', JSON.stringify(bulk));
check('its parts are local months (New York: the March part ends at 04:00Z, after the DST change)',
  bulk.parts && bulk.parts[2].key === 'conversationDetailsJobs|2026-03-01T05:00:00.000Z/2026-04-01T04:00:00.000Z|sms', JSON.stringify(bulk.parts));
check('the same quarter again is a duplicate', runner.request({ profile: 'conversationDetailsJobs', start: '2026-01-01', end: '2026-04-01',
  timeZone: 'America/New_York', channels: ['sms'] }).action === 'duplicate');
drain('the bulk run');
for (var b = 0; b < (bulk.parts || []).length; b++) {
  keys.push(bulk.parts[b].key);
  check(bulk.parts[b].key + ' completed', rowOf(bulk.parts[b].key).u_state === 'completed', rowOf(bulk.parts[b].key).u_reason);
}

// 7. The update set's scheduled job: unconfigured it only warns; configured through its
// system properties (no script edited) it runs a round of the queue, here with nothing due.
var job = installed.jobs['Export Guard: process queue'].script;
var calls = Http.calls.length;
eval(job);
check('the unconfigured job warns and calls nothing', Http.calls.length === calls &&
  gs.logs.some(function (l) { return l[0] === 'warn' && /export_guard\.oauth_profile/.test(l[1]); }));
Props['export_guard.base_url'] = baseUrl;
Props['export_guard.oauth_profile'] = 'oauth-profile-sys-id';
Props['export_guard.client_id'] = 'servicenow';
Props['export_guard.integration_id'] = 'sim-s3-integration';
eval(job);
check('the configured job runs a round and logs its summary', gs.logs.some(function (l) { return l[0] === 'info' && /^export-guard: \{/.test(l[1]); }),
  JSON.stringify(gs.logs.slice(-3)));

// 8. The README's ServiceNow example (examples/servicenow/queue-a-quarter.js), as written:
// it queues a quarter as three New York months and says so; nothing is sent.
calls = Http.calls.length;
load(root + '/examples/servicenow/queue-a-quarter.js');
check('the README example queues its quarter as 3 parts and logs it', gs.logs.some(function (l) { return l[0] === 'info' && l[1] === 'export-guard: queued, 3 parts'; }) &&
  Http.calls.length === calls, JSON.stringify(gs.logs.slice(-2)));

print('RESULT ' + JSON.stringify({ passed: passed, failed: failed, keys: keys, again: [keys[0]], lost: lost, events: events,
  calls: Http.calls.length }));
if (failed) java.lang.System.exit(1);
