// The example Script Include (pkg/servicenow/ExportGuardRunner.js) end to end in Rhino,
// with ServiceNow's restrictions imitated, against the stand-ins and a fake Genesys that
// enforces the evaluation-export date-range lock (409), rate-limits once (429) and
// rejects a bad body (400).
//   rhino -version 180 -opt -1 tests/rhino/servicenow-example.js <repo root>
var root = arguments[0];
load(root + '/tests/rhino/restrict.js');
load(root + '/tests/rhino/servicenow-standins.js');
load(root + '/pkg/servicenow/ExportGuard.js');
load(root + '/pkg/servicenow/ExportGuardRunner.js');

var passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) passed++; else { failed++; print('FAIL ' + name + (detail === undefined ? '' : ': ' + detail)); }
}
function rows() { return Tables.data.u_export_guard_request || []; }
function row(lockKey) { for (var i = 0; i < rows().length; i++) if (rows()[i].u_lock_key === lockKey) return rows()[i]; return null; }

// The fake Genesys: jobs with [start, end) and a status; an active job locks its range.
var Genesys = { jobs: [], seq: 0, posts: 0, conflicts: 0, tooMany: 0, badRequests: 0, rateLimitNext: false };
Http.handler = function (method, endpoint, body) {
  var base = 'https://api.mypurecloud.com/api/v2/quality/evaluationexports';
  if (method === 'POST' && endpoint === base) {
    Genesys.posts++;
    if (Genesys.rateLimitNext) { Genesys.rateLimitNext = false; Genesys.tooMany++; return { status: 429, headers: { 'Retry-After': '30' } }; }
    if (!body.filter || !body.filter.channel || !body.filter.channel.length) { Genesys.badRequests++; return { status: 400, body: { code: 'bad.request' } }; }
    var s = Date.parse(body.start_date), e = Date.parse(body.end_date);
    for (var i = 0; i < Genesys.jobs.length; i++) {
      var j = Genesys.jobs[i];
      if ((j.status === 'QUEUED' || j.status === 'IN_PROGRESS') && j.s < e && s < j.e) { Genesys.conflicts++; return { status: 409, body: { code: 'conflict' } }; }
    }
    var job = { id: 'exp-' + (++Genesys.seq), s: s, e: e, status: 'QUEUED', channel: body.filter.channel };
    Genesys.jobs.push(job);
    return { status: 201, body: { id: job.id, status: job.status } };
  }
  if (method === 'GET' && endpoint.indexOf(base + '/') === 0) {
    var id = decodeURIComponent(endpoint.slice(base.length + 1));
    for (var k = 0; k < Genesys.jobs.length; k++) if (Genesys.jobs[k].id === id) return { status: 200, body: { id: id, status: Genesys.jobs[k].status } };
    return { status: 404 };
  }
  // Recording jobs (RecordingJob: id and state; READY until PUT {"state":"PROCESSING"})
  // and details jobs (POST answers { jobId } only; GET answers { state } without an id).
  var rec = 'https://api.mypurecloud.com/api/v2/recording/jobs', det = 'https://api.mypurecloud.com/api/v2/analytics/conversations/details/jobs';
  if (method === 'POST' && endpoint === rec) {
    Genesys.posts++;
    if (body.action === 'EXPORT' && !body.integrationId) { Genesys.badRequests++; return { status: 400, body: { code: 'bad.request' } }; }
    var r = { id: 'rec-' + (++Genesys.seq), state: 'PENDING' };
    Genesys.jobs.push(r);
    return { status: 202, body: { id: r.id, state: r.state } };
  }
  if (method === 'POST' && endpoint === det) {
    Genesys.posts++;
    var d = { id: 'det-' + (++Genesys.seq), state: 'QUEUED' };
    Genesys.jobs.push(d);
    return { status: 202, body: { jobId: d.id } };
  }
  var found = null, m;
  for (var n = 0; n < Genesys.jobs.length; n++) {
    m = Genesys.jobs[n];
    if (endpoint === rec + '/' + m.id || endpoint === det + '/' + m.id) found = m;
  }
  if (found && method === 'GET') return { status: 200, body: found.id.indexOf('det-') === 0 ? { state: found.state } : { id: found.id, state: found.state } };
  if (found && method === 'PUT') {
    Genesys.puts = (Genesys.puts || 0) + 1;
    if (found.state !== 'READY' || body.state !== 'PROCESSING') return { status: 400, body: { code: 'bad.request' } };
    found.state = 'PROCESSING';
    return { status: 202, body: { id: found.id, state: found.state } };
  }
  return { status: 404 };
};
function state(id, st) { for (var i = 0; i < Genesys.jobs.length; i++) if (Genesys.jobs[i].id === id) Genesys.jobs[i].state = st; }
function finish(id, status) { for (var i = 0; i < Genesys.jobs.length; i++) if (Genesys.jobs[i].id === id) Genesys.jobs[i].status = status; }

var runner = new ExportGuardRunner({ now: function () { return Clock.ms; }, integrationId: 's3-integration-1' });
var A = { start: '2026-11-01', end: '2026-11-08', timeZone: 'Europe/London', channels: ['sms', 'whatsapp'] };
var B = { start: '2026-11-05', end: '2026-11-12', timeZone: 'Europe/London', channels: ['sms'] };
var C = { start: '2026-11-20', end: '2026-11-22', timeZone: 'Europe/London', channels: ['voice'] };

// 1. A goes straight out; B overlaps A and waits in the table without any HTTP call.
var ra = runner.request(A);
check('A submitted', ra.action === 'submitted', JSON.stringify(ra));
check('A has the job id', row(ra.lockKey).u_job_id === 'exp-1' && row(ra.lockKey).u_state === 'submitted');
var postsBefore = Genesys.posts;
var rb = runner.request(B);
check('B queued', rb.action === 'queue', JSON.stringify(rb));
check('B made no HTTP call', Genesys.posts === postsBefore);
check('B says what it waits for', /exp-1/.test(row(rb.lockKey).u_last_reason), row(rb.lockKey).u_last_reason);

// 2. The same range again is refused by the lock key; a bad request is rejected up front.
check('duplicate refused', runner.request(A).action === 'duplicate');
var bad = runner.request({ start: '2026-11-01', end: '2026-11-02', timeZone: 'Europe/London', channels: [] });
check('no channels rejected before any call', bad.action === 'reject' && bad.errors[0].code === 'NO_CHANNELS');

// 3. C meets a 429 with Retry-After: 30 s, and is rescheduled, not slept on.
Genesys.rateLimitNext = true;
var rc = runner.request(C);
check('C retried later', rc.action === 'retry', JSON.stringify(rc));
var cRow = row(rc.lockKey);
check('C due in 30 s', new GlideDateTime(cRow.u_next_attempt).getNumericValue() === Clock.ms + 30000, cRow.u_next_attempt);
check('C remembers the 429', String(cRow.u_last_status) === '429' && /Retry-After/.test(cRow.u_last_reason));

// 4. 10 s later: A still runs, so B waits and C is not yet due.
Clock.ms += 10000;
finish('exp-1', 'IN_PROGRESS');
runner.processDue();
check('B still queued', row(rb.lockKey).u_state === 'queued');
check('C not retried early', Genesys.posts === postsBefore + 1);

// 5. A completes; 31 s after the 429, the scheduled job submits B and retries C.
finish('exp-1', 'COMPLETED');
Clock.ms += 21000;
runner.processDue();
check('A completed', row(ra.lockKey).u_state === 'completed');
check('B submitted', row(rb.lockKey).u_state === 'submitted', row(rb.lockKey).u_state);
check('C submitted', row(rc.lockKey).u_state === 'submitted', row(rc.lockKey).u_state + ' ' + row(rc.lockKey).u_last_reason);

// 6. A job started outside ServiceNow still races us: the 409 turns into a recheck.
Genesys.jobs.push({ id: 'external', s: Date.UTC(2026, 11, 1), e: Date.UTC(2026, 11, 3), status: 'IN_PROGRESS' });
var D = { start: '2026-12-02T00:00:00Z', end: '2026-12-04T00:00:00Z', channels: ['email'] };
var rd = runner.request(D);
check('409 becomes recheck', rd.action === 'recheck', JSON.stringify(rd));
check('recheck after 5 s', new GlideDateTime(row(rd.lockKey).u_next_attempt).getNumericValue() === Clock.ms + 5000);
finish('external', 'COMPLETED');
Clock.ms += 6000;
runner.processDue();
check('D submitted after the recheck', row(rd.lockKey).u_state === 'submitted');

// 7. A failed export is recorded as failed with its reason.
finish(row(rb.lockKey).u_job_id, 'FAILED');
runner.processDue();
check('B failed', row(rb.lockKey).u_state === 'failed' && /FAILED/.test(row(rb.lockKey).u_last_reason));

// 8. A recording job: the id and state come from the RecordingJob; READY is executed with
// PUT {"state":"PROCESSING"}, and only then can it be fulfilled.
var R = { start: '2026-12-01', end: '2026-12-02', timeZone: 'UTC', channels: ['voice'], profile: 'recordingJobs' };
var rr = runner.request(R);
check('R submitted', rr.action === 'submitted', JSON.stringify(rr));
var rid = row(rr.lockKey).u_job_id;
check('R has the RecordingJob id and state', /^rec-/.test(rid) && row(rr.lockKey).u_job_status === 'PENDING', rid + ' ' + row(rr.lockKey).u_job_status);
check('R sent its integrationId', Http.calls[Http.calls.length - 1].body.indexOf('"integrationId":"s3-integration-1"') >= 0);
runner.processDue();
check('R still submitted while PENDING', row(rr.lockKey).u_state === 'submitted' && !Genesys.puts);
state(rid, 'READY');
runner.processDue();
check('READY is executed with a PUT', Genesys.puts === 1 && row(rr.lockKey).u_job_status === 'PROCESSING', row(rr.lockKey).u_job_status);
check('READY is not completed', row(rr.lockKey).u_state === 'submitted');
state(rid, 'FULFILLED');
runner.processDue();
check('R completed after the PUT', row(rr.lockKey).u_state === 'completed');

// 9. A details job: its id is the create answer's jobId (the only field); its state
// comes from a GET that carries no id.
var DJ = { start: '2026-12-10', end: '2026-12-11', timeZone: 'UTC', channels: ['sms'], profile: 'conversationDetailsJobs' };
var rdj = runner.request(DJ);
check('details job submitted with its jobId', rdj.action === 'submitted' && /^det-/.test(row(rdj.lockKey).u_job_id), JSON.stringify(row(rdj.lockKey)));
check('details job queued (the create answer has no state)', row(rdj.lockKey).u_job_status === 'QUEUED');
state(row(rdj.lockKey).u_job_id, 'FULFILLED');
runner.processDue();
check('details job completed from its state', row(rdj.lockKey).u_state === 'completed');

// A recording EXPORT without integrationId is refused before any HTTP call.
var posts = Genesys.posts;
var noIntegration = new ExportGuardRunner({ now: function () { return Clock.ms; } }).request({ start: '2026-12-20', end: '2026-12-21', timeZone: 'UTC', channels: ['voice'], profile: 'recordingJobs' });
check('no integrationId: rejected', noIntegration.action === 'reject' && noIntegration.errors[0].code === 'MISSING_INTEGRATION_ID', JSON.stringify(noIntegration));
check('no integrationId: no HTTP call', Genesys.posts === posts);

// Overall: the lock answered 409 once (the external race), never for our own overlap.
check('exactly one 409', Genesys.conflicts === 1, Genesys.conflicts);
check('no 400', Genesys.badRequests === 0);
check('payload channels explicit', Http.calls[0].body.indexOf('"channel":["sms","whatsapp"]') >= 0, Http.calls[0].body);

print(passed + ' passed, ' + failed + ' failed');
if (failed) java.lang.System.exit(1);
