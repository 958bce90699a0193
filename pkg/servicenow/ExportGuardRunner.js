/*
 * ExportGuardRunner: an example ServiceNow Script Include that runs Genesys Cloud exports
 * (evaluation exports, conversation details jobs, recording jobs) through export-guard's
 * lifecycle. It is a thin I/O loop: ExportGuard.next decides every HTTP call and
 * ExportGuard.record reads every answer; this file only reads and writes table rows and
 * makes the calls with sn_ws.RESTMessageV2.
 *
 * It needs the Script Includes "ExportGuard", "ExportGuardCore1", "ExportGuardCore2" and
 * "ExportGuardCore3" (paste the files of pkg/servicenow/ with those names, built by
 * ./build.sh) and two tables:
 *
 *   Table u_export_guard_item: one row per queue item
 *     u_key        String (300)   "profile|lockKey|channels", the item's key
 *     u_live_key   String (300)   UNIQUE INDEX: the key while the item is live, empty once
 *                                 it is completed or failed (so a completed range can be
 *                                 requested again, as a new export)
 *     u_item       String (8000)  the queue item's JSON, as ExportGuard writes it
 *     u_state      String (40)    queued | waiting | submitting | submitted | ready |
 *                                 executing | completed | failed (a copy, for list views)
 *     u_job_id     String (100)   the Genesys job id, once known
 *     u_due        Date/Time      when the item next needs the runner
 *     u_reason     String (1000)  why it waits or failed
 *
 *   Table u_export_guard_lock: the runner's claim
 *     u_name       String (100)   UNIQUE INDEX
 *     u_holder     String (100)   who holds it
 *     u_expires    Date/Time      when a crashed holder's claim may be taken over
 *
 *   Scheduled Script Execution "Export Guard: process queue", every minute:
 *     new ExportGuardRunner({ integrationId: '<S3 integration>' }).processDue();
 *
 * Two scheduler nodes never act on the same rows: processDue first claims the queue by
 * inserting the row "processDue" into u_export_guard_lock, whose unique index lets only
 * one insert succeed (GlideMutex would do too, but it is undocumented). The claim expires
 * after claimMs (a node that dies holding it is taken over then), and is deleted at the
 * end. The whole queue is claimed, not single rows, because every live item counts:
 * in-flight details jobs cannot be listed from Genesys, so the queue is the only record
 * of them.
 *
 * Nothing here sleeps: a delay becomes the item's due time, and the scheduled job picks
 * it up when it is due. Requests are decided before any HTTP call; the leased queue is
 * written before the calls are made, so a transaction that dies midway loses nothing
 * (a call whose answer was lost is handed out again when its lease expires: recording
 * jobs are looked for in the listing first; the others are resubmitted, at-least-once).
 * ES5 only (works in ES5 and ES12 script modes).
 */
var ExportGuardRunner = Class.create();
ExportGuardRunner.prototype = {
  /**
   * @param {object} [config] baseUrl (default https://api.mypurecloud.com), authProfile
   *   ({ type: 'oauth2', sysId }), integrationId (the S3 integration of recording EXPORT
   *   jobs), options (further ExportGuard options: policy, pollMs, leaseMs, maxActiveJobs),
   *   table, lockTable, claimMs (default 5 minutes), maxSteps (next/record rounds per
   *   processDue, default 10), now (ms clock, for tests), node (this node's name)
   */
  initialize: function (config) {
    config = config || {};
    this.table = config.table || 'u_export_guard_item';
    this.lockTable = config.lockTable || 'u_export_guard_lock';
    this.baseUrl = config.baseUrl || 'https://api.mypurecloud.com';
    this.authProfile = config.authProfile || null;
    this.integrationId = config.integrationId || null;
    this.extra = config.options || {};
    this.claimMs = config.claimMs || 5 * 60000;
    this.maxSteps = config.maxSteps || 10;
    this.now = config.now || function () { return new GlideDateTime().getNumericValue(); };
    this.node = config.node || 'node-' + Math.floor(Math.random() * 1e9);
  },

  /** The options of next and record: the clock, the integration, the caller's extras. */
  _options: function () {
    var o = {};
    for (var k in this.extra) if (Object.prototype.hasOwnProperty.call(this.extra, k)) o[k] = this.extra[k];
    o.now = this.now();
    if (this.integrationId) o.integrationId = this.integrationId;
    return o;
  },

  /**
   * Queues an export request. Nothing is sent here: processDue sends it when it is due.
   * @returns {{ action: 'queued'|'duplicate'|'reject', key?: string, sysId?: string,
   *   previous?: string, errors?: object[] }} previous: 'completed' when the same export
   *   already ran (this is a new export of it), 'failed' when it failed before
   */
  request: function (request) {
    var e;
    try {
      e = ExportGuard.enqueue(null, request, { now: this.now() });
    } catch (err) {
      if (!(err instanceof ExportGuard.ExportGuardError)) throw err;
      return { action: 'reject', errors: err.errors };
    }
    var key = e.item.key;
    var live = new GlideRecord(this.table);
    if (live.get('u_live_key', key)) return { action: 'duplicate', key: key, sysId: live.getUniqueValue() };
    var gr = new GlideRecord(this.table);
    gr.initialize();
    gr.setValue('u_key', key);
    gr.setValue('u_live_key', key);
    this._write(gr, e.item);
    var sysId = gr.insert();
    // The unique index refused a concurrent insert of the same live key: that one wins.
    if (!sysId) return { action: 'duplicate', key: key };
    var out = { action: 'queued', key: key, sysId: sysId };
    var previous = this._previous(key);
    if (previous) out.previous = previous;
    return out;
  },

  /**
   * The scheduled job: claims the queue, then up to maxSteps rounds of next → calls →
   * record. Returns what it did: { claimed, steps, calls, events: { event: count } }.
   */
  processDue: function () {
    var summary = { claimed: false, steps: 0, calls: 0, events: {} };
    var claim = this._claim();
    if (!claim) return summary;
    summary.claimed = true;
    try {
      for (var step = 0; step < this.maxSteps; step++) {
        var rows = this._load();
        if (!rows.queue.items.length) break;
        var listed = this._listed(rows.queue);
        if (listed === null) break; // the listing failed: decide nothing blind; try next run
        var next = ExportGuard.next(rows.queue, listed, this._options());
        if (!next.actions.length) break;
        this._save(rows, next.queue); // the calls are leased before they are made
        var answers = [];
        for (var i = 0; i < next.actions.length; i++) {
          answers.push({ key: next.actions[i].key, response: this._call(next.actions[i]) });
          summary.calls++;
        }
        // One recordMany: the queue is read and written once for the step's answers.
        var recorded = ExportGuard.recordMany(next.queue, answers, this._options());
        var queue = recorded.queue;
        for (var j = 0; j < recorded.results.length; j++) {
          var r = recorded.results[j];
          if (r.errors) {
            if (r.errors[0].code !== 'STALE_ANSWER') throw new Error('ExportGuardRunner: ' + r.errors[0].code + ' at ' + r.errors[0].field + ': ' + r.errors[0].message);
            gs.warn('ExportGuardRunner: dropped a late answer for ' + answers[j].key);
            continue;
          }
          summary.events[r.event] = (summary.events[r.event] || 0) + 1;
          if (r.event === 'failed') gs.error('ExportGuardRunner: ' + r.item.key + ' failed: ' + r.item.reason);
        }
        this._save(rows, queue);
        summary.steps++;
      }
    } finally {
      this._release(claim);
    }
    return summary;
  },

  // ------------------------------------------------------------------ internals

  /** The live rows, oldest first, as an ExportGuard queue (seq = position: FIFO order). */
  _load: function () {
    var gr = new GlideRecord(this.table);
    gr.addQuery('u_state', 'NOT IN', 'completed,failed');
    gr.orderBy('sys_created_on');
    gr.query();
    var items = [], sysIds = {};
    while (gr.next()) {
      var item = JSON.parse(gr.getValue('u_item'));
      item.seq = items.length;
      items.push(item);
      sysIds[item.key] = gr.getUniqueValue();
    }
    return { queue: { version: 2, nextSeq: items.length, items: items }, sysIds: sysIds };
  },

  /** Writes every item back to its row; a final one frees its live key. */
  _save: function (rows, queue) {
    for (var i = 0; i < queue.items.length; i++) {
      var item = queue.items[i];
      var gr = new GlideRecord(this.table);
      if (!gr.get(rows.sysIds[item.key])) throw new Error('ExportGuardRunner: the row of ' + item.key + ' disappeared');
      this._write(gr, item);
      if (item.state === 'completed' || item.state === 'failed') gr.setValue('u_live_key', '');
      gr.update();
    }
  },

  _write: function (gr, item) {
    gr.setValue('u_item', JSON.stringify(item));
    gr.setValue('u_state', item.state);
    gr.setValue('u_job_id', item.jobId || '');
    gr.setValue('u_reason', String(item.reason || '').substring(0, 1000));
    var due = item.lease ? item.lease.until : item.pollAt || item.notBefore || null;
    var at = new GlideDateTime();
    at.setNumericValue(due ? Date.parse(due) : this.now());
    gr.setValue('u_due', at);
  },

  /** How the newest final row with this key ended ('completed' or 'failed'), if any. */
  _previous: function (key) {
    var gr = new GlideRecord(this.table);
    gr.addQuery('u_key', key);
    gr.addQuery('u_state', 'IN', 'completed,failed');
    gr.orderBy('sys_created_on');
    gr.query();
    var state = null;
    while (gr.next()) state = gr.getValue('u_state');
    return state;
  },

  /** The active jobs Genesys lists (recording jobs only) while live recording items exist; null on an error. */
  _listed: function (queue) {
    var profiles = {}, listed = [];
    for (var i = 0; i < queue.items.length; i++) profiles[queue.items[i].profile] = true;
    var all = ExportGuard.profiles();
    for (var p = 0; p < all.length; p++) {
      var listing = all[p].rules.listing.value;
      if (!profiles[all[p].name] || !listing) continue;
      for (var s = 0; s < all[p].activeStatuses.length; s++) {
        var query = [listing.stateParam + '=' + encodeURIComponent(all[p].activeStatuses[s])];
        for (var name in listing.query) {
          if (Object.prototype.hasOwnProperty.call(listing.query, name)) query.push(name + '=' + encodeURIComponent(listing.query[name]));
        }
        var answer = this._answer(this._rest(listing.method, listing.path + '?' + query.join('&'), null).execute());
        if (answer.status !== 200 || !answer.body) {
          gs.warn('ExportGuardRunner: listing ' + all[p].name + ' answered ' + answer.status + '; trying on the next run');
          return null;
        }
        var entities = answer.body[listing.entitiesField] || [];
        for (var e = 0; e < entities.length; e++) {
          var v = entities[e], cq = v.recordingJobsQuery && v.recordingJobsQuery.conversationQuery;
          listed.push({ id: v.id, status: v.state, profile: all[p].name,
            interval: (cq && cq.interval) || '1970-01-01T00:00:00Z/1970-01-01T00:00:01Z' });
        }
      }
    }
    return listed;
  },

  /** Makes one action's call; the answer as ExportGuard reads it (status 0: no response). */
  _call: function (action) {
    try {
      return this._answer(this._rest(action.method, action.path, action.body).execute());
    } catch (err) {
      return { status: 0, body: { message: 'no response: ' + (err && err.message) } };
    }
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

  _rest: function (method, path, body) {
    var rm = new sn_ws.RESTMessageV2();
    rm.setHttpMethod(String(method).toLowerCase());
    rm.setEndpoint(this.baseUrl + path);
    rm.setRequestHeader('Content-Type', 'application/json');
    rm.setRequestHeader('Accept', 'application/json');
    if (this.authProfile) rm.setAuthenticationProfile(this.authProfile.type, this.authProfile.sysId);
    if (body !== null && body !== undefined) rm.setRequestBody(JSON.stringify(body));
    return rm;
  },

  /** Claims the queue through the lock table's unique index; null when another node holds it. */
  _claim: function () {
    for (var attempt = 0; attempt < 2; attempt++) {
      var gr = new GlideRecord(this.lockTable);
      gr.initialize();
      gr.setValue('u_name', 'processDue');
      gr.setValue('u_holder', this.node);
      var until = new GlideDateTime();
      until.setNumericValue(this.now() + this.claimMs);
      gr.setValue('u_expires', until);
      var sysId = gr.insert();
      if (sysId) return sysId;
      // Held: take it over only if its holder's claim expired (it died holding it). The
      // delete is by the expired row's sys_id: if another node took it over meanwhile,
      // its new row survives and our insert fails again.
      var held = new GlideRecord(this.lockTable);
      if (!held.get('u_name', 'processDue')) continue;
      if (new GlideDateTime(held.getValue('u_expires')).getNumericValue() > this.now()) return null;
      gs.warn('ExportGuardRunner: taking over the expired claim of ' + held.getValue('u_holder'));
      held.deleteRecord();
    }
    return null;
  },

  _release: function (sysId) {
    var gr = new GlideRecord(this.lockTable);
    if (gr.get(sysId)) gr.deleteRecord();
  },

  type: 'ExportGuardRunner'
};
