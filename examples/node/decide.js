// Decide, plan, build the payload and back off, before any HTTP call (Node, CommonJS).
// Run from the repository after ./build.sh: node examples/node/decide.js
const eg = require('../../pkg'); // in a project: require('export-guard')

const request = { start: '2026-11-01', end: '2026-11-08', timeZone: 'Europe/London', channels: ['sms', 'whatsapp'] };
const active = [{ id: 'a1', start: '2026-11-03T00:00:00Z', end: '2026-11-04T00:00:00Z', status: 'IN_PROGRESS' }];

const d = eg.decide(request, active);
console.log(d.action, 'blocked by', d.conflicts.map((c) => c.id).join(', '));
for (const w of d.freeWindows) console.log('free now:', w.start, '→', w.end);

const p = eg.plan(request, { granularity: 'day', workers: 4 });
for (const w of p.windows) console.log(`worker ${w.worker}: ${w.start} → ${w.end}`);

console.log(JSON.stringify(eg.buildPayload(request)));

const r = eg.nextRetry(1, { status: 429, headers: { 'Retry-After': '30' } });
console.log(r.action, 'in', r.delayMs, 'ms');
