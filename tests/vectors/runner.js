// The JS runner of the shared vectors, for every JS runtime: Node (pkg/test/vectors.test.js)
// and Rhino (tests/rhino/vectors.js) each give it their ExportGuard API and only say how
// to read files and report. Plain ES5, so that Rhino runs the same text. (The native and
// wasm runs share tests/common/mod.rs, its Rust counterpart.)
//
//   var runner = vectorRunner(ExportGuard);
//   var got = runner.run(kase);            // { ok: answer } or { error: { code, field, message } }
//   var why = runner.mismatch(kase, got);  // null, or what differs from kase.expect
'use strict';

function vectorRunner(api) {
  var saved = {};

  function isObject(v) { return v !== null && typeof v === 'object' && !(v instanceof Array); }
  // defineProperty keeps a "__proto__" key a key (plain assignment would set the prototype).
  function put(out, k, v) { Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true }); }

  /** Expands {$repeat, times}, {$repeatString, times} and {$nest} (see tests/vectors/README.md). */
  function expand(v) {
    var k, out;
    if (v instanceof Array) { out = []; for (k = 0; k < v.length; k++) out.push(expand(v[k])); return out; }
    if (!isObject(v)) return v;
    if (v.hasOwnProperty('$repeat')) { out = []; for (k = 0; k < v.times; k++) out.push(expand(v.$repeat)); return out; }
    if (v.hasOwnProperty('$repeatString')) { out = []; for (k = 0; k < v.times; k++) out.push(v.$repeatString); return out.join(''); }
    if (v.hasOwnProperty('$nest')) { out = []; for (k = 0; k < v.$nest; k++) out = [out]; return out; }
    out = {};
    for (k in v) if (v.hasOwnProperty(k)) put(out, k, expand(v[k]));
    return out;
  }

  /** Replaces {"$saved": name} by what an earlier case saved ("save": name). */
  function substitute(v) {
    var k, out;
    if (v instanceof Array) { out = []; for (k = 0; k < v.length; k++) out.push(substitute(v[k])); return out; }
    if (!isObject(v) || v instanceof api.PreparedJobs || v instanceof api.QueueHandle) return v;
    if (v.hasOwnProperty('$saved')) return saved[v.$saved];
    out = {};
    for (k in v) if (v.hasOwnProperty(k)) put(out, k, substitute(v[k]));
    return out;
  }

  /** Runs a case: its answer, or the error it threw (anything but an ExportGuardError is rethrown). */
  function run(kase) {
    var got;
    try {
      got = { ok: api[kase.op].apply(null, substitute(expand(kase.args))) };
      if (kase.save) saved[kase.save] = got.ok;
    } catch (e) {
      if (!(e instanceof api.ExportGuardError) || !(e instanceof Error)) throw e;
      got = { error: { code: e.code, field: e.field, message: e.message } };
    }
    return got;
  }

  function show(v) { return JSON.stringify(v); }

  /** Where `actual` differs from `expected` (keys in any order), or null. */
  function difference(expected, actual, where, subsetOnly) {
    var k, d;
    if (expected instanceof Array) {
      if (!(actual instanceof Array)) return where + ': expected an array, got ' + show(actual);
      if (actual.length !== expected.length) return where + ': ' + actual.length + ' elements, expected ' + expected.length + ': ' + show(actual);
      for (k = 0; k < expected.length; k++) if ((d = difference(expected[k], actual[k], where + '[' + k + ']', subsetOnly))) return d;
      return null;
    }
    if (isObject(expected)) {
      if (!isObject(actual)) return where + ': expected an object, got ' + show(actual);
      for (k in expected) {
        if (!expected.hasOwnProperty(k)) continue;
        if (!actual.hasOwnProperty(k)) return where + '.' + k + ': missing';
        if ((d = difference(expected[k], actual[k], where + '.' + k, subsetOnly))) return d;
      }
      if (!subsetOnly) for (k in actual) if (actual.hasOwnProperty(k) && !expected.hasOwnProperty(k)) return where + '.' + k + ': not expected';
      return null;
    }
    return expected === actual ? null : where + ': ' + show(actual) + ', expected ' + show(expected);
  }

  /** What differs between an answer and the case's `expect`, or null. */
  function mismatch(kase, got) {
    var x = kase.expect, i, errs, pairs;
    var failed = got.error ? 'expected ok, got ' + got.error.code + ' at ' + got.error.field + ': ' + got.error.message : null;
    if (x.hasOwnProperty('ok')) return failed || difference(x.ok, got.ok, '$', false);
    if (x.hasOwnProperty('okSubset')) return failed || difference(x.okSubset, got.ok, '$', true);
    if (x.hasOwnProperty('reject')) {
      if (failed) return failed;
      if (got.ok.action !== 'reject') return 'expected a reject, got ' + got.ok.action;
      errs = got.ok.errors; pairs = [];
      for (i = 0; i < errs.length; i++) {
        if (!(errs[i].message.length > 10)) return 'an error without a message a person can act on: ' + show(errs[i]);
        pairs.push([errs[i].code, errs[i].field]);
      }
      return difference(x.reject, pairs, 'errors', false);
    }
    if (x.hasOwnProperty('includes')) {
      if (failed) return failed;
      if (!(got.ok instanceof Array)) return 'expected an array, got ' + show(got.ok);
      for (i = 0; i < x.includes.length; i++) if (got.ok.indexOf(x.includes[i]) < 0) return x.includes[i] + ' is missing';
      return null;
    }
    if (x.hasOwnProperty('error')) {
      if (!got.error) return 'expected an error, got ' + show(got.ok).slice(0, 300);
      return difference(x.error, [got.error.code, got.error.field], 'error', false);
    }
    return 'unknown expect form ' + show(x);
  }

  return { run: run, mismatch: mismatch };
}

if (typeof module !== 'undefined') module.exports = vectorRunner;
