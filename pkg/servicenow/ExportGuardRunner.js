/*
 * ExportGuardRunner: the ServiceNow Script Include that runs Genesys Cloud exports
 * (evaluation exports, conversation details jobs, recording jobs) with export-guard. It
 * is the one driver loop shipped inside the ExportGuard script (ExportGuard.Driver, the
 * same code as `export-guard run`) with three ServiceNow adapters: a GlideRecord store,
 * a sn_ws.RESTMessageV2 transport, and a clock that does not sleep (a delay is the next
 * scheduled run's business). The core decides every HTTP call and reads every answer.
 *
 * It needs the Script Includes ExportGuardCore1..N and ExportGuard (pkg/servicenow/,
 * built by ./build.sh) and two tables:
 *
 *   Table u_export_guard_item: one row per queue item, and one row ($queue) for what the
 *   queue holds beside its items (the pauses after 429s, the listings)
 *     u_key        String (300)   "profile|lockKey|channels", the item's key
 *     u_live_key   String (300)   UNIQUE INDEX: the key while the item is live, empty once
 *                                 it is completed or failed (so a completed range can be
 *                                 requested again, as a new export)
 *     u_item       String (8000)  the queue item's JSON, as ExportGuard writes it
 *     u_state      String (40)    the item's state (a copy, for list views)
 *     u_job_id     String (100)   the Genesys job id, once known
 *     u_due        Date/Time      when the item next needs the runner (the core says)
 *     u_reason     String (1000)  why it waits or failed
 *
 *   Table u_export_guard_lock: the runner's claim
 *     u_name       String (100)   UNIQUE INDEX
 *     u_holder     String (100)   who holds it
 *     u_expires    Date/Time      when a crashed holder's claim may be taken over
 *
 *   Scheduled Script Execution "Export Guard: process queue", every minute:
 *     new ExportGuardRunner({ integrationId: '<S3 integration>', clientId: '<OAuth client>' }).processDue();
 *
 * Two scheduler nodes never act on the same rows: processDue first claims the queue by
 * inserting the row "processDue" into u_export_guard_lock, whose unique index lets only
 * one insert succeed. The claim expires after claimMs (a node that dies holding it is
 * taken over then) and is deleted at the end. The whole queue is claimed for the round:
 * in-flight details jobs cannot be listed from Genesys, so the queue is the only record
 * of them. Within the round the queue is kept in the core (loadQueue), and after every
 * step and every answer only the rows that changed are written (the changes next and
 * record answer with the option changes, as queueChanges would), before the next call
 * is made. ES5 only (works in ES5 and ES12 script modes).
 */
var ExportGuardRunner = Class.create();
ExportGuardRunner.prototype = {
  /**
   * @param {object} [config] baseUrl (default https://api.mypurecloud.com), authProfile
   *   ({ type: 'oauth2', sysId }), clientId (the OAuth client of that profile: READY
   *   recording jobs are executed by their creator only), integrationId (the S3
   *   integration of recording EXPORT jobs), options (further ExportGuard options:
   *   policy, pollMs, leaseMs, maxActiveJobs, maxInDoubt), table, lockTable, claimMs
   *   (default 5 minutes), maxSteps (steps per processDue, default 10), now (ms clock,
   *   for tests), node (this node's name)
   */
  initialize: function (config) {
    config = config || {};
    this.table = config.table || 'u_export_guard_item';
    this.lockTable = config.lockTable || 'u_export_guard_lock';
    this.baseUrl = config.baseUrl || 'https://api.mypurecloud.com';
    this.authProfile = config.authProfile || null;
    this.clientId = config.clientId || null;
    this.integrationId = config.integrationId || null;
    this.extra = config.options || {};
    this.claimMs = config.claimMs || 5 * 60000;
    this.maxSteps = config.maxSteps || 10;
    this.now = config.now || function () { return new GlideDateTime().getNumericValue(); };
    this.node = config.node || 'node-' + Math.floor(Math.random() * 1e9);
  },

  /** The options of next and record: the caller's extras, the integration, who we are. */
  _options: function () {
    var o = {};
    for (var k in this.extra) if (Object.prototype.hasOwnProperty.call(this.extra, k)) o[k] = this.extra[k];
    if (this.integrationId) o.integrationId = this.integrationId;
    if (this.clientId) o.clientId = this.clientId;
    o.runnerId = this.node;
    return o;
  },

  /**
   * Queues an export request. Nothing is sent here: processDue sends it when it is due.
   * A request longer than maxRangeDays (default: its profile's maximum, a month), or
   * with split: { granularity }, is queued as its parts, one row each.
   * @returns {{ action: 'queued'|'duplicate'|'reject', key?: string, sysId?: string,
   *   previous?: string, errors?: object[], parts?: object[] }} previous: 'completed' when
   *   the same export already ran (this is a new export of it), 'failed' when it failed
   *   before; parts: a bulk request's parts, each { action, key, sysId?, previous? }, and
   *   then action is 'queued' when any part was, and key is the whole request's
   */
  request: function (request) {
    var e, options = { now: this.now() };
    if (this.extra.maxRangeDays !== undefined) options.maxRangeDays = this.extra.maxRangeDays;
    try {
      e = ExportGuard.enqueue(null, request, options);
    } catch (err) {
      if (!(err instanceof ExportGuard.ExportGuardError)) throw err;
      return { action: 'reject', errors: err.errors };
    }
    if (!e.parts) return this._insert(e.item);
    var parts = [], queued = false;
    for (var i = 0; i < e.parts.length; i++) {
      var p = this._insert(e.parts[i].item);
      if (p.action === 'queued') queued = true;
      parts.push(p);
    }
    return { action: queued ? 'queued' : 'duplicate', key: e.item.part.of, parts: parts };
  },

  /** Inserts the row of a new item, unless a live row has its key. */
  _insert: function (item) {
    var key = item.key;
    var live = new GlideRecord(this.table);
    if (live.get('u_live_key', key)) return { action: 'duplicate', key: key, sysId: live.getUniqueValue() };
    var gr = new GlideRecord(this.table);
    gr.initialize();
    gr.setValue('u_key', key);
    gr.setValue('u_live_key', key);
    this._write(gr, { item: item, due: null, 'final': false });
    var sysId = gr.insert();
    // The unique index refused a concurrent insert of the same live key: that one wins.
    if (!sysId) return { action: 'duplicate', key: key };
    var out = { action: 'queued', key: key, sysId: sysId };
    var previous = this._previous(key);
    if (previous) out.previous = previous;
    return out;
  },

  /**
   * The scheduled job: claims the queue, then up to maxSteps steps of the driver loop.
   * Returns what it did: { claimed, steps, calls, stop, events: { event: count } }.
   */
  processDue: function () {
    var summary = { claimed: false, steps: 0, calls: 0, stop: null, events: {} };
    var claim = this._claim();
    if (!claim) return summary;
    summary.claimed = true;
    var self = this, store = this._store(), result = null, failure = null;
    // next and record answer what they changed (as queueChanges would) in the same call:
    // one crossing into the core per answer instead of two. The runner shows no waits, so
    // next only counts the waiting items instead of writing each one's reason.
    var options = this._options();
    options.changes = true;
    options.waiting = false;
    try {
      var driver = new ExportGuard.Driver({
        store: store,
        transport: { perform: function (action, cb) { cb(self._call(action)); } },
        clock: { now: this.now },
        options: options,
        concurrency: 1,
        onEvent: function (e) {
          if (e.type === 'stale') gs.warn('ExportGuardRunner: dropped a late answer for ' + e.action.key);
          if (e.type !== 'record') return;
          var r = e.result;
          summary.events[r.event] = (summary.events[r.event] || 0) + 1;
          if (r.event === 'failed') gs.error('ExportGuardRunner: ' + r.item.key + ' failed: ' + r.item.reason);
          if (r.event === 'denied') gs.error('ExportGuardRunner: ' + ((r.item && r.item.reason) || r.reason) + ' (check the OAuth profile)');
        }
      });
      driver.run({ maxSteps: this.maxSteps }, function (err, out) { failure = err; result = out; });
    } finally {
      store.close();
      this._release(claim);
    }
    if (failure) throw failure;
    summary.steps = result.steps;
    summary.calls = result.calls;
    summary.stop = result.stop;
    return summary;
  },

  // ------------------------------------------------------------------ the store

  /**
   * The GlideRecord store of one round: the live rows (oldest first) kept in the core as
   * one queue; update() runs the driver's step on it and writes the rows that changed.
   */
  _store: function () {
    var self = this, sysIds = [], meta = null, items = [], handle = null;
    var gr = new GlideRecord(this.table);
    gr.addQuery('u_state', 'NOT IN', 'completed,failed');
    gr.orderBy('sys_created_on');
    gr.query();
    var state = { items: items };
    while (gr.next()) {
      var value = JSON.parse(gr.getValue('u_item'));
      if (gr.getValue('u_key') === '$queue') {
        meta = gr.getUniqueValue();
        if (value.pauses) state.pauses = value.pauses;
        if (value.listings) state.listings = value.listings;
        continue;
      }
      value.seq = items.length; // FIFO order: the row's place in the round
      items.push(value);
      sysIds.push(gr.getUniqueValue());
    }
    state.nextSeq = items.length;
    return {
      update: function (fn, cb) {
        var r;
        try {
          if (!handle) handle = ExportGuard.loadQueue(state);
          r = fn(handle);
          var changes = r.queue && ((r.value && r.value.changes) || ExportGuard.queueChanges(handle));
          if (changes) self._save(changes, sysIds, meta, function (id) { meta = id; });
        } catch (e) {
          return cb(e);
        }
        cb(null, r.value);
      },
      close: function () {
        if (handle) handle.free();
      }
    };
  },

  /** Writes the items that changed (by seq: the row's place), and the $queue row. */
  _save: function (changes, sysIds, meta, setMeta) {
    for (var i = 0; i < changes.items.length; i++) {
      var c = changes.items[i];
      var gr = new GlideRecord(this.table);
      if (!gr.get(sysIds[c.item.seq])) throw new Error('ExportGuardRunner: the row of ' + c.item.key + ' disappeared');
      this._write(gr, c);
      gr.update();
    }
    if (!changes.stateChanged) return;
    var text = JSON.stringify({ pauses: changes.pauses || [], listings: changes.listings || [] });
    var row = new GlideRecord(this.table);
    if (meta !== null && row.get(meta)) {
      row.setValue('u_item', text);
      row.update();
      return;
    }
    row.initialize();
    row.setValue('u_key', '$queue');
    row.setValue('u_live_key', '$queue');
    row.setValue('u_state', 'meta');
    row.setValue('u_item', text);
    setMeta(row.insert());
  },

  /** One row from a change: { item, due, final } as the core answers it. */
  _write: function (gr, change) {
    var item = change.item;
    gr.setValue('u_item', JSON.stringify(item));
    gr.setValue('u_state', item.state);
    gr.setValue('u_job_id', item.jobId || '');
    gr.setValue('u_reason', String(item.reason || '').substring(0, 1000));
    if (change['final']) gr.setValue('u_live_key', '');
    var at = new GlideDateTime();
    at.setNumericValue(change.due ? Date.parse(change.due) : this.now());
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

  // ------------------------------------------------------------------ the transport

  /** Makes one action's call: { status, headers, body } with the body as text (status 0: no response). */
  _call: function (action) {
    var response;
    try {
      response = this._rest(action.method, action.path, action.body).execute();
    } catch (err) {
      return { status: 0, headers: {}, body: 'no response: ' + (err && err.message) };
    }
    var headers = {}, names = ['Retry-After', 'Date', 'inin-ratelimit-count', 'inin-ratelimit-allowed', 'inin-ratelimit-reset'];
    for (var i = 0; i < names.length; i++) {
      var v = response.getHeader(names[i]);
      if (v !== null && v !== undefined && v !== '') headers[names[i]] = String(v);
    }
    return { status: response.getStatusCode(), headers: headers, body: String(response.getBody() || '') };
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

  // ------------------------------------------------------------------ the claim

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
