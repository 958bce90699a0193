// The shared JSON vectors (tests/vectors/) through the Node package: the same answers
// as the native and wasm runs, through the public JS contract. The runner is shared
// with Rhino (tests/vectors/runner.js); this file reads the files and reports.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const eg = require('..');
const vectorRunner = require('../../tests/vectors/runner.js');

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

const runner = vectorRunner(eg);
for (const file of files) {
  const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  test(`vectors: ${file}`, async (t) => {
    for (const c of doc.cases) {
      await t.test(c.name, () => {
        const got = runner.run(c);
        recorded.push({ file, name: c.name, result: JSON.stringify(got) });
        assert.equal(runner.mismatch(c, got), null);
      });
    }
  });
}

test('the runner finds a wrong answer', () => {
  const c = { op: 'version', args: [], expect: { ok: '0.0.0-not-this' } };
  assert.match(runner.mismatch(c, runner.run(c)), /expected "0\.0\.0-not-this"/);
  const e = { op: 'schedule', args: [{ factor: 'fast' }], expect: { error: ['INVALID_POLICY', 'policy.nope'] } };
  assert.match(runner.mismatch(e, runner.run(e)), /policy\.factor/);
  const s = { op: 'limits', args: [], expect: { okSubset: { maxWorkers: 1 } } };
  assert.match(runner.mismatch(s, runner.run(s)), /maxWorkers: 10000, expected 1/);
});
