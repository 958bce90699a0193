// The shared JSON vectors (tests/vectors/) through the Node package: the same answers
// as the native and wasm runs, through the public JS contract.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const eg = require('..');

const dir = path.join(__dirname, '..', '..', 'tests', 'vectors');
// Every result is also written to out/vectors.node.json, which the Rhino run of the
// ServiceNow build must reproduce exactly (tests/rhino/vectors.js).
const recorded = [];
const outDir = path.join(__dirname, '..', '..', 'out');
test.after(() => {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'vectors.node.json'), JSON.stringify(recorded, null, 1));
});
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'))
  .concat(fs.readdirSync(path.join(dir, 'bad')).filter((f) => f.endsWith('.json')).map((f) => `bad/${f}`)).sort();

/** Expands {$repeat, times}, {$repeatString, times} and {$nest} (see tests/vectors/README.md). */
function expand(v) {
  if (Array.isArray(v)) return v.map(expand);
  if (v === null || typeof v !== 'object') return v;
  if ('$repeat' in v) return Array.from({ length: v.times }, () => expand(v.$repeat));
  if ('$repeatString' in v) return v.$repeatString.repeat(v.times);
  if ('$nest' in v) { let a = []; for (let i = 0; i < v.$nest; i++) a = [a]; return a; }
  // fromEntries defines own properties, so a "__proto__" key stays a key.
  return Object.fromEntries(Object.keys(v).map((k) => [k, expand(v[k])]));
}

function subset(expected, actual, where) {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${where}: length of ${JSON.stringify(actual)}`);
    expected.forEach((e, i) => subset(e, actual[i], `${where}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${where}: expected an object`);
    for (const k of Object.keys(expected)) {
      assert.ok(Object.prototype.hasOwnProperty.call(actual, k), `${where}.${k}: missing`);
      subset(expected[k], actual[k], `${where}.${k}`);
    }
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

/** Calls the contract function `op`; returns { ok } or { error } like the envelope. */
function run(op, args) {
  try {
    return { ok: eg[op](...args) };
  } catch (err) {
    assert.ok(err instanceof eg.ExportGuardError, `${op} threw a ${err && err.name}: ${err && err.message}`);
    assert.ok(err instanceof Error);
    return { error: err };
  }
}

/** Replaces {"$saved": name} by what an earlier case saved ("save": name). */
const saved = {};
function substitute(v) {
  if (Array.isArray(v)) return v.map(substitute);
  if (v === null || typeof v !== 'object' || v instanceof eg.PreparedJobs || v instanceof eg.QueueHandle) return v;
  if ('$saved' in v) return saved[v.$saved];
  return Object.fromEntries(Object.keys(v).map((k) => [k, substitute(v[k])]));
}

for (const file of files) {
  const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  test(`vectors: ${file}`, async (t) => {
    for (const c of doc.cases) {
      await t.test(c.name, () => {
        const got = run(c.op, substitute(expand(c.args)));
        if (c.save && 'ok' in got) saved[c.save] = got.ok;
        recorded.push({ file, name: c.name, result: JSON.stringify(got.error ? { error: { code: got.error.code, field: got.error.field, message: got.error.message } } : { ok: got.ok }) });
        const x = c.expect;
        if ('ok' in x) {
          assert.ok('ok' in got, `expected ok, got ${got.error && got.error.code}`);
          assert.deepEqual(got.ok, x.ok);
        } else if ('okSubset' in x) {
          assert.ok('ok' in got, `expected ok, got ${got.error && got.error.code}: ${got.error && got.error.message}`);
          subset(x.okSubset, got.ok, '$');
        } else if ('reject' in x) {
          assert.equal(got.ok.action, 'reject');
          assert.deepEqual(got.ok.errors.map((e) => [e.code, e.field]), x.reject);
          for (const e of got.ok.errors) assert.ok(e.message.length > 10, 'a message a person can act on');
        } else if ('includes' in x) {
          assert.ok(Array.isArray(got.ok), `expected an array, got ${JSON.stringify(got)}`);
          for (const want of x.includes) assert.ok(got.ok.includes(want), `${want} is missing`);
        } else if ('error' in x) {
          assert.ok('error' in got, `expected an error, got ${JSON.stringify(got.ok)}`);
          assert.deepEqual([got.error.code, got.error.field], x.error);
        } else {
          assert.fail(`unknown expect form ${JSON.stringify(x)}`);
        }
      });
    }
  });
}
