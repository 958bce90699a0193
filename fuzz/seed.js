#!/usr/bin/env node
// Seeds fuzz/corpus/ from the shared vectors: for the api target, one input per case
// (operation byte, 8-byte clock, argument JSON); for dates, typical date strings.
'use strict';
const fs = require('fs');
const path = require('path');
const root = path.join(__dirname, '..');
// The operation byte indexes the core's table (src/api/table.rs), read from the Node build.
const { call } = require(path.join(root, 'pkg', 'node', 'export_guard.js'));
const OPS = JSON.parse(call('operations', '[]', 0)).ok.map((op) => op.name);
for (const d of ['api', 'dates']) fs.mkdirSync(path.join(__dirname, 'corpus', d), { recursive: true });
let n = 0;
for (const dir of ['tests/vectors', 'tests/vectors/bad']) {
  for (const f of fs.readdirSync(path.join(root, dir)).filter((x) => x.endsWith('.json'))) {
    for (const c of JSON.parse(fs.readFileSync(path.join(root, dir, f), 'utf8')).cases) {
      const i = OPS.indexOf(c.op);
      const args = JSON.stringify(c.args).replace(/\{"\$saved":"[^"]*"\}/g, '{"$index":1}');
      if (i < 0 || args.length > 4000) continue;
      fs.writeFileSync(path.join(__dirname, 'corpus', 'api', `vector-${n++}`), Buffer.concat([Buffer.from([i]), Buffer.alloc(8), Buffer.from(args)]));
    }
  }
}
const dates = ['2026-11-02T00:00:00Z', '2026-03-29T01:30', '2026-10-25', '2026-11-02T00:00:00.123+01:00',
  '2026-11-01T00:00:00Z/2026-11-02T00:00:00Z', 'Sun, 06 Nov 1994 08:49:37 GMT', '120'];
dates.forEach((d, k) => fs.writeFileSync(path.join(__dirname, 'corpus', 'dates', `seed-${k}`), d));
console.log(`seeded ${n} api inputs and ${dates.length} date inputs`);
