/*
 * ExportGuardRunner: an example ServiceNow Script Include that exports Genesys Cloud
 * evaluations without ever colliding on the 409 date-range lock.
 *
 * It needs the Script Include "ExportGuard" (paste pkg/servicenow/ExportGuard.js, built
 * by ./build.sh) and:
 *
 *   Table u_export_guard_request
 *     u_lock_key      String (100)   UNIQUE INDEX: the canonical "startZ/endZ" range
 *     u_request       String (4000)  the request JSON ({ start, end, timeZone, channels, profile })
 *     u_state         String (40)    queued | submitted | completed | failed
 *     u_job_id        String (100)   the Genesys export id, once submitted
 *     u_job_status    String (40)    its last polled state (QUEUED, IN_PROGRESS, READY, ...)
 *     u_attempt       Integer        attempts so far
 *     u_next_attempt  Date/Time      when a queued row may be tried again
 *     u_last_status   Integer        last HTTP status
 *     u_last_reason   String (1000)  why it waits, failed or was given up
 *
 *   Scheduled Script Execution "Export Guard: process queue", every minute:
 *     new ExportGuardRunner().processDue();
 *
 * Nothing here sleeps: a delay from ExportGuard.nextRetry becomes u_next_attempt, and
 * the scheduled job picks the row up when it is due. Requests are decided before any
 * HTTP call, so overlapping requests wait in the table instead of drawing 409s. Every
 * answer is read by ExportGuard.readJob, as the profile's API model has it (jobId for
 * details jobs, state for the documented jobs); a recording job that reaches READY is
 * executed with PUT {"state":"PROCESSING"}, as Genesys requires.
 * ES5 only (works in ES5 and ES12 script modes).
 */
var ExportGuardRunner = Class.create();
ExportGuardRunner.prototype = {
  /**
   * @param {object} [config] baseUrl (default https://api.mypurecloud.com), authProfile
   *   ({ type: 'oauth2', sysId }), policy (backoff policy), table, now (ms clock, for tests),
   *   integrationId (the S3 integration of recording EXPORT jobs)
   */
  initialize: function (config) {
    config = config || {};
    this.table = config.table || 'u_export_guard_request';
    this.baseUrl = config.baseUrl || 'https://api.mypurecloud.com';
    this.authProfile = config.authProfile || null;
    this.policy = config.policy || { initialMs: 5000, factor: 2, maxMs: 60000, maxAttempts: 8 };
    this.now = config.now || function () { return new GlideDateTime().getNumericValue(); };
    this.integrationId = config.integrationId || null;
  },

  /** The payload options: the clock, and the integration recording EXPORT jobs need. */
  _options: function () {
    var o = { now: this.now() };
    if (this.integrationId) o.integrationId = this.integrationId;
    return o;
  },

  /**
   * Records an export request and submits it now if nothing blocks it.
   * @returns {{ action: string, sysId?: string, lockKey?: string, errors?: object[], duplicate?: boolean }}
   */
  request: function (request) {
    var decision = ExportGuard.decide(request, this._activeJobs(), this._options());
    if (decision.action === 'reject') return { action: 'reject', errors: decision.errors };

    var existing = new GlideRecord(this.table);
    if (existing.get('u_lock_key', decision.lockKey)) {
      return { action: 'duplicate', duplicate: true, sysId: existing.getUniqueValue(), lockKey: decision.lockKey };
    }
    var gr = new GlideRecord(this.table);
    gr.initialize();
    gr.setValue('u_lock_key', decision.lockKey);
    gr.setValue('u_request', JSON.stringify(request));
    gr.setValue('u_state', 'queued');
    gr.setValue('u_attempt', 0);
    this._setNext(gr, this.now());
    var sysId = gr.insert();
    if (!sysId) {
      // The unique index refused a concurrent insert of the same range: that one wins.
      return { action: 'duplicate', duplicate: true, lockKey: decision.lockKey };
    }
    gr.get(sysId);
    if (decision.action === 'submit') {
      return { action: this._submit(gr), sysId: sysId, lockKey: decision.lockKey };
    }
    this._wait(gr, decision.recheckAfterMs, 'waiting for ' + this._ids(decision.conflicts));
    return { action: 'queue', sysId: sysId, lockKey: decision.lockKey };
  },

  /** The scheduled job: poll submitted exports, then try the queued rows that are due. */
  processDue: function () {
    this._pollSubmitted();
    var due = new GlideRecord(this.table);
    due.addQuery('u_state', 'queued');
    due.orderBy('sys_created_on');
    due.query();
    var now = this.now();
    var jobs = this._activeJobs();
    while (due.next()) {
      if (this._next(due) > now) continue;
      var request = JSON.parse(due.getValue('u_request'));
      var decision = ExportGuard.decide(request, jobs, this._options());
      if (decision.action === 'reject') {
        this._fail(due, 0, 'invalid request: ' + JSON.stringify(decision.errors));
      } else if (decision.action === 'queue') {
        this._wait(due, decision.recheckAfterMs, 'waiting for ' + this._ids(decision.conflicts));
      } else if (this._submit(due) === 'submitted') {
        // Count it as active for the rest of this pass, so nothing overlapping follows it.
        var p = this._profile(request);
        jobs.push({ id: due.getValue('u_job_id'), interval: due.getValue('u_lock_key'),
          status: due.getValue('u_job_status') || p.activeStatuses[0], profile: p.name });
      }
    }
  },

  // ------------------------------------------------------------------ internals

  _submit: function (gr) {
    var request = JSON.parse(gr.getValue('u_request'));
    var profile = this._profile(request);
    var attempt = parseInt(gr.getValue('u_attempt'), 10) + 1;
    gr.setValue('u_attempt', attempt);
    var rm = this._rest('post', this.baseUrl + profile.path);
    rm.setRequestBody(JSON.stringify(ExportGuard.buildPayload(request, this._options())));
    var answer = this._answer(rm.execute());
    gr.setValue('u_last_status', answer.status);
    var verdict = ExportGuard.nextRetry(attempt, answer, this.policy, { now: this.now(), profile: profile.name });
    if (verdict.action === 'done') {
      var job;
      try {
        job = ExportGuard.readJob(profile.name, answer, { call: 'submit' });
      } catch (e) {
        // Created, but the answer does not say which job: nothing can be polled.
        this._fail(gr, answer.status, 'the create answer could not be read: ' + e.message);
        return 'failed';
      }
      gr.setValue('u_state', 'submitted');
      gr.setValue('u_job_id', job.jobId);
      // A details job's create answer has no state: it is queued.
      gr.setValue('u_job_status', job.state || profile.activeStatuses[0]);
      gr.setValue('u_last_reason', '');
      gr.update();
      return 'submitted';
    }
    if (verdict.action === 'give-up') {
      this._fail(gr, status, verdict.reason);
      return 'failed';
    }
    // retry (429/5xx) or recheck (409: decide again before resubmitting).
    this._wait(gr, verdict.delayMs, verdict.reason);
    return verdict.action;
  },

  _pollSubmitted: function () {
    var gr = new GlideRecord(this.table);
    gr.addQuery('u_state', 'submitted');
    gr.query();
    while (gr.next()) {
      var profile = this._profile(JSON.parse(gr.getValue('u_request')));
      var jobId = gr.getValue('u_job_id');
      var answer = this._answer(this._rest('get', this.baseUrl + this._path(profile.rules.poll.value.path, jobId)).execute());
      if (answer.status < 200 || answer.status > 299) {
        gs.warn('ExportGuardRunner: polling ' + jobId + ' answered ' + answer.status);
        continue;
      }
      var job;
      try {
        job = ExportGuard.readJob(profile.name, answer, { call: 'poll' });
      } catch (e) {
        gs.warn('ExportGuardRunner: polling ' + jobId + ': ' + e.message);
        continue;
      }
      gr.setValue('u_job_status', job.state);
      if (job.phase === 'completed') {
        gr.setValue('u_state', 'completed');
      } else if (job.phase === 'failed') {
        gr.setValue('u_state', 'failed');
        gr.setValue('u_last_reason', 'the export ended ' + job.state + (job.message ? ': ' + job.message : ''));
      } else if (job.phase === 'ready') {
        // READY is not final: nothing is exported until the creator executes the job.
        var exec = profile.rules.execute.value;
        var rm = this._rest(exec.method.toLowerCase(), this.baseUrl + this._path(exec.path, jobId));
        rm.setRequestBody(JSON.stringify(exec.body));
        var put = this._answer(rm.execute());
        if (put.status >= 200 && put.status <= 299) gr.setValue('u_job_status', ExportGuard.readJob(profile.name, put, { call: 'execute' }).state);
        else gr.setValue('u_last_reason', 'executing the READY job answered ' + put.status + '; trying again on the next run');
      }
      gr.update();
    }
  },

  /** The submitted rows as ExportGuard jobs: they are the active exports we know of. */
  _activeJobs: function () {
    var jobs = [];
    var gr = new GlideRecord(this.table);
    gr.addQuery('u_state', 'submitted');
    gr.query();
    while (gr.next()) {
      var profile = this._profile(JSON.parse(gr.getValue('u_request')));
      jobs.push({ id: gr.getValue('u_job_id') || gr.getUniqueValue(), interval: gr.getValue('u_lock_key'),
        status: gr.getValue('u_job_status') || profile.activeStatuses[0], profile: profile.name });
    }
    return jobs;
  },

  /** An HTTP answer as ExportGuard reads it: { status, headers, body }. */
  _answer: function (response) {
    var text = response.getBody(), body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    return {
      status: response.getStatusCode(),
      headers: { 'Retry-After': response.getHeader('Retry-After') || null, 'Date': response.getHeader('Date') || null },
      body: body
    };
  },

  _path: function (template, jobId) {
    return template.replace('{jobId}', encodeURIComponent(jobId));
  },

  _profile: function (request) {
    var all = ExportGuard.profiles(), name = request.profile || 'evaluationExports';
    for (var i = 0; i < all.length; i++) if (all[i].name === name) return all[i];
    throw new Error('unknown profile ' + name);
  },

  _rest: function (method, endpoint) {
    var rm = new sn_ws.RESTMessageV2();
    rm.setHttpMethod(method);
    rm.setEndpoint(endpoint);
    rm.setRequestHeader('Content-Type', 'application/json');
    rm.setRequestHeader('Accept', 'application/json');
    if (this.authProfile) rm.setAuthenticationProfile(this.authProfile.type, this.authProfile.sysId);
    return rm;
  },

  _wait: function (gr, delayMs, reason) {
    gr.setValue('u_state', 'queued');
    this._setNext(gr, this.now() + (delayMs || 0));
    gr.setValue('u_last_reason', String(reason).substring(0, 1000));
    gr.update();
  },

  _fail: function (gr, status, reason) {
    gr.setValue('u_state', 'failed');
    gr.setValue('u_last_status', status);
    gr.setValue('u_last_reason', String(reason).substring(0, 1000));
    gr.update();
    gs.error('ExportGuardRunner: ' + gr.getValue('u_lock_key') + ' failed: ' + reason);
  },

  _setNext: function (gr, ms) {
    var at = new GlideDateTime();
    at.setNumericValue(ms);
    gr.setValue('u_next_attempt', at);
  },

  _next: function (gr) {
    var at = new GlideDateTime(gr.getValue('u_next_attempt'));
    return at.getNumericValue();
  },

  _ids: function (jobs) {
    var ids = [];
    for (var i = 0; i < jobs.length; i++) ids.push(jobs[i].id);
    return ids.join(', ');
  },

  type: 'ExportGuardRunner'
};
