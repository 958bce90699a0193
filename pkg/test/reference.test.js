'use strict';
// The generated reference pages (docs/reference/operations.md and errors.md) are what
// pkg/src/reference.js makes from the operation table, pkg/index.d.ts and src/error.rs.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { spawnSync } = require('child_process');

test('the committed reference pages are up to date with the operations, the types and the error codes', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'src', 'reference.js'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
