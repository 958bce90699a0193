// Small stand-ins for the ServiceNow APIs the example Script Include uses:
// Class.create, GlideRecord (in memory, with unique indexes), GlideDateTime, gs and
// sn_ws.RESTMessageV2, which performs real HTTP through java.net.HttpURLConnection (to
// the Node simulator on 127.0.0.1), or hands the request to Http.handler when a test
// sets one.
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

var Tables = { data: {}, unique: { u_export_guard_item: ['u_live_key'], u_export_guard_lock: ['u_name'] }, seq: 0 };
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
  /** addQuery(field, value) or addQuery(field, '=' | 'IN' | 'NOT IN', value). */
  addQuery: function (field, op, value) {
    if (value === undefined) { value = op; op = '='; }
    if (op !== '=' && op !== 'IN' && op !== 'NOT IN') throw new Error('GlideRecord stand-in: operator ' + op);
    this.conditions.push([field, op, String(value)]);
  },
  orderBy: function (field) { this.order = field; },
  query: function () {
    var self = this;
    this.result = this.rows.filter(function (r) {
      return self.conditions.every(function (c) {
        var v = r[c[0]] === undefined || r[c[0]] === null ? '' : String(r[c[0]]);
        if (c[1] === '=') return v === c[2];
        var inList = c[2].split(',').indexOf(v) >= 0;
        return c[1] === 'IN' ? inList : !inList;
      });
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
        var value = this.current[keys[k]];
        // Like a database's unique index, empty values do not collide.
        if (value !== undefined && value !== null && value !== '' && this.rows[i][keys[k]] === value) {
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
    var keys = Tables.unique[this.table] || [];
    for (var k = 0; k < keys.length; k++) {
      var value = this.current[keys[k]];
      for (var i = 0; i < this.rows.length; i++) {
        if (this.rows[i] !== this.current && value !== undefined && value !== null && value !== '' && this.rows[i][keys[k]] === value) {
          throw new Error('Unique Key violation on update (' + keys[k] + ')');
        }
      }
    }
    return this.current.sys_id;
  },
  deleteRecord: function () {
    if (!this.current || !this.current.sys_id) throw new Error('deleteRecord() without a current record');
    for (var i = 0; i < this.rows.length; i++) {
      if (this.rows[i].sys_id === this.current.sys_id) { this.rows.splice(i, 1); return true; }
    }
    return false;
  }
};

// sn_ws.RESTMessageV2: real HTTP with java.net.HttpURLConnection, or Http.handler(method,
// endpoint, body) -> { status, headers, body } when a test sets one. Calls are logged.
var Http = { handler: null, calls: [], clientId: 'servicenow' };

/** One HTTP exchange through the JVM: { status, text, header(name) }; throws on no response. */
function javaHttp(method, url, body, headers) {
  var conn = new java.net.URL(url).openConnection();
  conn.setRequestMethod(method);
  conn.setConnectTimeout(5000);
  conn.setReadTimeout(30000);
  for (var k in headers) conn.setRequestProperty(k, headers[k]);
  conn.setRequestProperty('X-Client-Id', Http.clientId);
  if (body !== null) {
    conn.setDoOutput(true);
    var w = new java.io.OutputStreamWriter(conn.getOutputStream(), 'UTF-8');
    w.write(body);
    w.close();
  }
  var status = conn.getResponseCode();
  var stream = status >= 400 ? conn.getErrorStream() : conn.getInputStream();
  var text = '';
  if (stream !== null) {
    var reader = new java.io.BufferedReader(new java.io.InputStreamReader(stream, 'UTF-8'));
    var sb = new java.lang.StringBuilder(), line;
    while ((line = reader.readLine()) !== null) sb.append(line);
    reader.close();
    text = String(sb.toString());
  }
  return {
    status: status,
    text: text,
    header: function (name) { var v = conn.getHeaderField(name); return v === null ? null : String(v); }
  };
}

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
    if (Http.handler) {
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
    var x = javaHttp(this.method, this.endpoint, this.body, this.headers);
    return {
      getStatusCode: function () { return x.status; },
      getHeader: function (name) { return x.header(name); },
      getBody: function () { return x.text; }
    };
  }
};
