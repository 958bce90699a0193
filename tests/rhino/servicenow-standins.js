// Small stand-ins for the ServiceNow APIs the example Script Include uses:
// Class.create, GlideRecord (in memory, with unique indexes), GlideDateTime, gs and
// sn_ws.RESTMessageV2 (which hands requests to a fake Genesys set by the test).
// Only what the example calls is implemented; anything else throws, so a call the
// stand-in does not know cannot pass silently.
var Class = { create: function () { return function () { this.initialize.apply(this, arguments); }; } };

var gs = {
  logs: [],
  info: function (m) { gs.logs.push(['info', m]); },
  warn: function (m) { gs.logs.push(['warn', m]); },
  error: function (m) { gs.logs.push(['error', m]); }
};

var Clock = { ms: Date.UTC(2026, 10, 28, 12, 0, 0) };

function pad2(n) { return (n < 10 ? '0' : '') + n; }
function GlideDateTime(text) {
  this.ms = Clock.ms;
  if (text !== undefined && text !== null && text !== '') {
    var m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(String(text));
    if (!m) throw new Error('GlideDateTime stand-in: cannot parse ' + text);
    this.ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  }
}
GlideDateTime.prototype = {
  getNumericValue: function () { return this.ms; },
  setNumericValue: function (ms) { this.ms = Math.floor(ms / 1000) * 1000; },
  getValue: function () {
    var d = new Date(this.ms);
    return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate()) + ' ' +
      pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds());
  },
  toString: function () { return this.getValue(); }
};

var Tables = { data: {}, unique: { u_export_guard_request: ['u_lock_key'] }, seq: 0 };
function GlideRecord(table) {
  this.table = table;
  this.rows = Tables.data[table] = Tables.data[table] || [];
  this.conditions = [];
  this.order = null;
  this.result = null;
  this.pos = -1;
  this.current = null;
}
GlideRecord.prototype = {
  initialize: function () { this.current = {}; },
  addQuery: function (field, value) { this.conditions.push([field, value]); },
  orderBy: function (field) { this.order = field; },
  query: function () {
    var self = this;
    this.result = this.rows.filter(function (r) {
      return self.conditions.every(function (c) { return String(r[c[0]]) === String(c[1]); });
    });
    if (this.order) {
      var f = this.order;
      this.result.sort(function (a, b) { return a[f] < b[f] ? -1 : a[f] > b[f] ? 1 : 0; });
    }
    this.pos = -1;
  },
  next: function () {
    this.pos++;
    this.current = this.result && this.pos < this.result.length ? this.result[this.pos] : null;
    return this.current !== null;
  },
  get: function (a, b) {
    var field = b === undefined ? 'sys_id' : a, value = b === undefined ? a : b;
    for (var i = 0; i < this.rows.length; i++) {
      if (String(this.rows[i][field]) === String(value)) { this.current = this.rows[i]; return true; }
    }
    return false;
  },
  getValue: function (f) {
    var v = this.current[f];
    return v === undefined || v === null ? null : String(v);
  },
  setValue: function (f, v) { this.current[f] = v instanceof GlideDateTime ? v.getValue() : v; },
  getUniqueValue: function () { return this.current.sys_id; },
  insert: function () {
    var keys = Tables.unique[this.table] || [];
    for (var k = 0; k < keys.length; k++) {
      for (var i = 0; i < this.rows.length; i++) {
        if (this.rows[i][keys[k]] === this.current[keys[k]]) {
          gs.error('Unique Key violation detected by database (' + keys[k] + ')');
          return null;
        }
      }
    }
    var row = {};
    for (var f in this.current) row[f] = this.current[f];
    row.sys_id = 'sys' + (++Tables.seq);
    row.sys_created_on = Tables.seq; // creation order
    this.rows.push(row);
    this.current = row;
    return row.sys_id;
  },
  update: function () {
    if (!this.current || !this.current.sys_id) throw new Error('update() without a current record');
    return this.current.sys_id;
  }
};

// sn_ws.RESTMessageV2: the test sets Http.handler(method, endpoint, body) -> { status, headers, body }.
var Http = { handler: null, calls: [] };
var sn_ws = {
  RESTMessageV2: function () {
    this.method = null; this.endpoint = null; this.body = null; this.headers = {}; this.auth = null;
  }
};
sn_ws.RESTMessageV2.prototype = {
  setHttpMethod: function (m) { this.method = String(m).toUpperCase(); },
  setEndpoint: function (e) { this.endpoint = e; },
  setRequestHeader: function (k, v) { this.headers[k] = v; },
  setRequestBody: function (b) { this.body = b; },
  setAuthenticationProfile: function (type, id) { this.auth = [type, id]; },
  execute: function () {
    Http.calls.push({ method: this.method, endpoint: this.endpoint, body: this.body });
    var r = Http.handler(this.method, this.endpoint, this.body ? JSON.parse(this.body) : null);
    return {
      getStatusCode: function () { return r.status; },
      getHeader: function (name) {
        for (var k in (r.headers || {})) if (k.toLowerCase() === String(name).toLowerCase()) return String(r.headers[k]);
        return null;
      },
      getBody: function () { return r.body === undefined ? '' : JSON.stringify(r.body); }
    };
  }
};
