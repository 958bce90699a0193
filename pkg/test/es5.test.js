'use strict';
// The ServiceNow build's layout: parts ExportGuardCore1..N and the main script, each
// run as a script of its own (as ServiceNow runs Script Includes), in a bare context.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const eg = require('..');

const dir = path.join(__dirname, '..', 'servicenow');
const parts = fs.readdirSync(dir).filter((f) => /^ExportGuardCore\d+\.js$/.test(f))
  .sort((a, b) => parseInt(a.slice(15), 10) - parseInt(b.slice(15), 10));
const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
const request = { start: '2026-11-02', end: '2026-11-09', timeZone: 'Europe/London', channels: ['sms'] };
const jobs = [{ id: 'j1', start: '2026-11-03T00:00:00Z', end: '2026-11-04T00:00:00Z', status: 'IN_PROGRESS' }];

function context() {
  return vm.createContext({ Date, Math, JSON, Error, Object, String, Number, Array, isFinite, RegExp, TypeError, RangeError });
}

test('each script defines exactly its one global, and the parts together answer as the wasm build', () => {
  assert.ok(parts.length >= 2, 'the ServiceNow build is split into parts');
  const ctx = context();
  const before = new Set(Object.keys(ctx));
  for (const f of parts.concat(['ExportGuard.js'])) {
    vm.runInContext(read(f), ctx, { filename: f });
    const added = Object.keys(ctx).filter((k) => !before.has(k));
    assert.deepEqual(added, [f.replace(/\.js$/, '')], `${f} defines only its own global`);
    before.add(added[0]);
  }
  assert.deepEqual(vm.runInContext('ExportGuard.decide(' + JSON.stringify(request) + ', ' + JSON.stringify(jobs) + ')', ctx),
    JSON.parse(JSON.stringify(eg.decide(request, jobs))));
});

test('a part from another build is refused with a message that says what to do', () => {
  const ctx = context();
  for (const f of parts) {
    const text = f === parts[1] ? read(f).replace(/build:"([0-9a-f]{12})"/, 'build:"000000000000"') : read(f);
    assert.notEqual(text.length, 0);
    vm.runInContext(text, ctx, { filename: f });
  }
  assert.throws(() => vm.runInContext(read('ExportGuard.js'), ctx),
    new RegExp(`Script Include ${parts[1].replace(/\.js$/, '')} is from another build than ExportGuard.*replace every ExportGuard Script Include`));
});

test('ExportGuard.all.js is the same scripts in one file (for browsers)', () => {
  const ctx = context();
  vm.runInContext(read('ExportGuard.all.js'), ctx);
  assert.deepEqual(vm.runInContext('ExportGuard.version()', ctx), eg.version());
});

test('the ES5 runtime copies and fills memory as wasm does, at every alignment and overlap', () => {
  // The runtime is a plain script: run it alone and compare with a byte array.
  const ctx = vm.createContext({ Math, Array });
  vm.runInContext(fs.readFileSync(path.join(__dirname, '..', 'src', 'es5-runtime.js'), 'utf8'), ctx);
  vm.runInContext('$memInit(65536)', ctx);
  const size = 256;
  const ref = new Uint8Array(size);
  let seed = 7;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let a = 0; a < size; a++) { ref[a] = rnd(256); ctx.$st_HEAP8(a, ref[a]); }
  const bytes = () => Array.from({ length: size }, (_, a) => ctx.$ld_HEAPU8(a));
  for (let round = 0; round < 3000; round++) {
    const n = rnd(40), dest = rnd(size - n), src = rnd(size - n);
    if (round % 3 === 2) {
      const v = rnd(512) - 128; // memory.fill takes the low byte
      ctx.$memFill(dest, v, n);
      ref.fill(v & 255, dest, dest + n);
    } else {
      ctx.$memCopy(dest, src, n);
      ref.copyWithin(dest, src, src + n);
    }
    assert.deepEqual(bytes(), Array.from(ref), `round ${round}: ${round % 3 === 2 ? 'fill' : 'copy'} of ${n} at ${dest} from ${src}`);
  }
  for (let w = 0; w < size / 4; w++) assert.equal(ctx.$M[w], ctx.$M[w] | 0, 'every word stays an int32');
});
