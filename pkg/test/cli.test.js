// The CLI: subcommands, stdin, --help, exit codes, queue files.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const BIN = path.join(__dirname, '..', 'bin', 'export-guard.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'export-guard-cli-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function file(name, value) {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

function cli(args, input) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input: input === undefined ? '' : input, encoding: 'utf8' });
  let json;
  try {
    json = JSON.parse(r.stdout);
  } catch (_) {
    json = undefined;
  }
  return { code: r.status, out: r.stdout, err: r.stderr, json };
}

const request = { start: '2026-11-01', end: '2026-11-08', timeZone: 'Europe/London', channels: ['sms', 'whatsapp'] };
const busy = [{ id: 'busy', start: '2026-11-03T00:00:00Z', end: '2026-11-04T00:00:00Z', status: 'IN_PROGRESS' }];
const reqFile = file('request.json', request);
const busyFile = file('busy.json', busy);
const noneFile = file('none.json', []);
const noneOptions = file('options-now.json', { now: '2026-11-28T00:00:00Z' });

test('decide: submit exits 0, queue exits 3, reject exits 4', () => {
  let r = cli(['decide', '--request', reqFile, '--jobs', noneFile]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.action, 'submit');
  assert.deepEqual(r.json.payloads[0].filter.channel, ['sms', 'whatsapp']);

  r = cli(['decide', '--request', reqFile, '--jobs', busyFile]);
  assert.equal(r.code, 3);
  assert.equal(r.json.action, 'queue');
  assert.equal(r.json.conflicts[0].id, 'busy');

  r = cli(['decide', '--request', file('bad.json', { ...request, channels: ['fax'] }), '--jobs', noneFile]);
  assert.equal(r.code, 4);
  assert.equal(r.json.errors[0].code, 'UNKNOWN_CHANNEL');
  assert.match(r.err, /UNKNOWN_CHANNEL at request\.channels\[0\]/);
});

test('a request on stdin replaces --request (omitted or -)', () => {
  for (const args of [['decide', '--jobs', busyFile], ['decide', '--request', '-', '--jobs', busyFile]]) {
    const r = cli(args, JSON.stringify(request));
    assert.equal(r.code, 3, r.err);
    assert.equal(r.json.lockKey, '2026-11-01T00:00:00.000Z/2026-11-08T00:00:00.000Z');
  }
});

test('decide with --options', () => {
  const r = cli(['decide', '--request', reqFile, '--jobs', noneFile, '--options', file('o.json', { profile: 'recordingJobs', integrationId: 's3-1' })]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.profile, 'recordingJobs');
  assert.equal(r.json.payloads[0].integrationId, 's3-1');
  // An EXPORT recording job without integrationId is refused before any HTTP call.
  const bad = cli(['decide', '--request', reqFile, '--jobs', noneFile, '--options', file('o2.json', { profile: 'recordingJobs' })]);
  assert.equal(bad.code, 4);
  assert.match(bad.err, /MISSING_INTEGRATION_ID at options\.integrationId/);
});

test('plan splits into local days for N workers', () => {
  const r = cli(['plan', '--request', reqFile, '--granularity', 'day', '--workers', '3', '--jobs', busyFile]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.windows.length, 7);
  assert.deepEqual(r.json.windows.map((w) => w.worker), [0, 1, 2, 0, 1, 2, 0]);
  assert.deepEqual(r.json.windows[2].blockedBy, ['busy']);
  const week = cli(['plan', '--granularity=week', '--time-zone', 'UTC'], JSON.stringify({ start: '2026-11-02T00:00:00Z', end: '2026-11-16T00:00:00Z' }));
  assert.equal(week.json.windows.length, 2);
});

test('payload prints the body', () => {
  const r = cli(['payload', '--request', reqFile]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.json, { start_date: '2026-11-01T00:00:00.000Z', end_date: '2026-11-08T00:00:00.000Z', filter: { channel: ['sms', 'whatsapp'] } });
});

test('schedule and next-retry give retry delays', () => {
  let r = cli(['schedule']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.json.steps.map((s) => s.delayMs), [5000, 10000, 20000, 40000, 60000, 60000, 60000]);
  r = cli(['schedule', '--policy', file('p.json', { initialMs: 1000, maxAttempts: 3 })]);
  assert.deepEqual(r.json.steps.map((s) => s.delayMs), [1000, 2000]);
  r = cli(['next-retry', '--attempt', '2', '--status', '429', '--retry-after', '30']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.action, 'retry');
  assert.equal(r.json.delayMs, 30000);
  r = cli(['next-retry', '--attempt', '1', '--status', '409']);
  assert.equal(r.json.action, 'recheck');
});

test('invalid input to other commands exits 4 with the errors printed', () => {
  const r = cli(['schedule', '--policy', file('bad-policy.json', { jitter: 'chaos' })]);
  assert.equal(r.code, 4);
  assert.equal(r.json.errors[0].code, 'INVALID_POLICY');
  assert.match(r.err, /INVALID_POLICY at policy\.jitter/);
});

test('enqueue and drain persist the queue file', () => {
  const q = path.join(tmp, 'queue.json');
  let r = cli(['enqueue', '--queue', q, '--request', reqFile, '--write']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.added, true);
  r = cli(['enqueue', '--queue', q, '--write'], JSON.stringify(request));
  assert.equal(r.json.added, false, 'duplicate');
  r = cli(['drain', '--queue', q, '--jobs', busyFile, '--write']);
  assert.equal(r.code, 3, 'everything waits');
  assert.equal(JSON.parse(fs.readFileSync(q, 'utf8')).items.length, 1);
  r = cli(['drain', '--queue', q, '--jobs', noneFile, '--write']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.submit.length, 1);
  // Released, not dropped: the item stays, submitting under a lease, until its answer.
  let items = JSON.parse(fs.readFileSync(q, 'utf8')).items;
  assert.deepEqual(items.map((i) => i.state), ['submitting']);
  const answer = path.join(tmp, 'answer.json');
  fs.writeFileSync(answer, JSON.stringify({ status: 202, body: { id: 'ee-1', status: 'QUEUED' } }));
  r = cli(['record', '--queue', q, '--key', r.json.submit[0].key, '--response', answer, '--write']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.event, 'submitted');
  items = JSON.parse(fs.readFileSync(q, 'utf8')).items;
  assert.deepEqual(items.map((i) => [i.state, i.jobId]), [['submitted', 'ee-1']]);
  r = cli(['record', '--queue', q, '--key', items[0].key, '--response', answer]);
  assert.equal(r.code, 4, 'nobody waits for a second answer');
  assert.match(r.err, /STALE_ANSWER/);
});

test('next leases the due calls in the file before they are made; prune drops the history', () => {
  const q = path.join(tmp, 'queue-next.json');
  let r = cli(['enqueue', '--queue', q, '--request', reqFile, '--write']);
  const opts = path.join(tmp, 'next-options.json');
  fs.writeFileSync(opts, JSON.stringify({ now: '2026-11-28T10:00:00Z' }));
  r = cli(['next', '--queue', q, '--options', opts, '--write']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.json.actions.map((a) => [a.kind, a.method]), [['submit', 'POST']]);
  assert.equal(JSON.parse(fs.readFileSync(q, 'utf8')).items[0].lease.action, 'submit');
  r = cli(['next', '--queue', q, '--options', opts]);
  assert.equal(r.code, 3, 'nothing due until the lease expires');
  const answer = path.join(tmp, 'answer-done.json');
  fs.writeFileSync(answer, JSON.stringify({ status: 202, body: { id: 'ee-2', status: 'COMPLETED' } }));
  r = cli(['record', '--queue', q, '--key', r.json.queue.items[0].key, '--response', answer, '--options', opts, '--write']);
  assert.equal(r.json.event, 'completed');
  r = cli(['next', '--queue', q, '--options', opts]);
  assert.equal(r.code, 0, 'every item final');
  assert.equal(r.json.wakeAt, null);
  r = cli(['prune', '--queue', q, '--write']);
  assert.equal(r.json.removed.length, 1);
  assert.equal(JSON.parse(fs.readFileSync(q, 'utf8')).items.length, 0);
});

test('enqueue takes an array of requests in one pass', () => {
  const q = path.join(tmp, 'queue-many.json');
  const second = { ...request, channels: ['voice'] };
  const bad = { ...request, channels: [] };
  const r = cli(['enqueue', '--queue', q, '--write'], JSON.stringify([request, second, request, bad]));
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.json.results.map((x) => x.added), [true, true, false, false]);
  assert.equal(r.json.results[3].errors[0].code, 'NO_CHANNELS');
  assert.equal(JSON.parse(fs.readFileSync(q, 'utf8')).items.length, 2);
});

test('usage errors exit 2 and name the problem', () => {
  for (const [args, re] of [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['status'], /--store is required/],
    [['status', '--store', 'mysql://u:hunter2@db/q'], /unknown store scheme 'mysql:' in 'mysql:\/\/u:\*\*\*@db\/q'/],
    [['queue', 'move', '--store', 'q.json'], /queue takes export or import/],
    [['decide', '--bogus', 'x'], /unknown option --bogus/],
    [['decide', '--request', path.join(tmp, 'missing.json'), '--jobs', noneFile], /cannot read request/],
    [['decide', '--request', file('notjson.json', '{oops'), '--jobs', noneFile], /not valid JSON/],
    [['plan', '--workers', 'many'], /--workers must be a whole number/],
    [[], /Usage: export-guard/],
  ]) {
    const r = cli(args, JSON.stringify(request));
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err + r.out, re);
  }
});

test('decide without --jobs decides against no active jobs', () => {
  const r = cli(['decide', '--request', reqFile]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.action, 'submit');
});

test('a closed pipe ends the output quietly (plan ... | head)', () => {
  const r = spawnSync('sh', ['-c', `node ${JSON.stringify(BIN)} plan --request ${JSON.stringify(reqFile)} --granularity hour | head -1`], { encoding: 'utf8' });
  assert.equal(r.stdout, '{\n');
  assert.doesNotMatch(r.stderr, /EPIPE|Error/);
});

test('status and queue export/import move a queue between stores, the file store checking what it imports', () => {
  const q = path.join(tmp, 'queue-move.json');
  assert.equal(cli(['enqueue', '--store', q, '--write'], JSON.stringify([request, { ...request, channels: ['voice'] }])).code, 0);
  const st = cli(['status', '--store', `file:${q}`, '--json']);
  assert.equal(st.code, 0, st.err);
  assert.deepEqual(st.json.items.map((i) => [i.state, i.outcome, i.final]), [['queued', 'open', false], ['queued', 'open', false]]);
  const out = path.join(tmp, 'moved.json');
  assert.equal(cli(['queue', 'export', '--store', q, '--out', out]).code, 0);
  const to = path.join(tmp, 'queue-moved.json');
  let r = cli(['queue', 'import', '--store', to, '--in', out]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(fs.readFileSync(to, 'utf8')).items, JSON.parse(fs.readFileSync(q, 'utf8')).items);
  r = cli(['queue', 'import', '--store', to, '--in', out]);
  assert.equal(r.code, 2);
  assert.match(r.err, /holds 2 item\(s\): give --replace/);
  assert.equal(cli(['queue', 'import', '--store', to, '--in', out, '--replace']).code, 0);
  r = cli(['queue', 'import', '--store', to, '--in', file('bad-queue.json', JSON.stringify({ version: 3, items: [{ seq: 0 }] }))]);
  assert.equal(r.code, 4, 'an invalid queue is refused');
  assert.match(r.err, /INVALID_QUEUE|NO_CHANNELS|start/);
});

test('--help works on the command and on each subcommand', () => {
  let r = cli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /Commands:/);
  for (const sub of ['decide', 'plan', 'payload', 'schedule', 'next-retry', 'enqueue', 'drain', 'next', 'record', 'prune', 'status', 'queue', 'run']) {
    r = cli([sub, '--help']);
    assert.equal(r.code, 0, sub);
    assert.match(r.out, new RegExp(`Usage: export-guard ${sub}`));
  }
});

/** Runs the CLI asynchronously (for concurrent processes): resolves to { code, err }. */
function cliAsync(args) {
  const { spawn } = require('child_process');
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => resolve({ code, err }));
  });
}

for (const n of [20, 100]) {
  test(`${n} concurrent 'enqueue --write' processes on one queue file keep all ${n} items`, async () => {
    const q = path.join(tmp, `concurrent-${n}.json`);
    const runs = [];
    for (let i = 0; i < n; i++) {
      const day = new Date(Date.UTC(2026, 0, 1) + i * 86400000).toISOString().slice(0, 10);
      const req = file(`c${n}-${i}.json`, { start: day, end: `${day}T12:00:00Z`, timeZone: 'UTC', channels: ['sms'] });
      runs.push(cliAsync(['enqueue', '--queue', q, '--request', req, '--options', noneOptions, '--write']));
    }
    const results = await Promise.all(runs);
    for (const r of results) assert.equal(r.code, 0, r.err);
    const items = JSON.parse(fs.readFileSync(q, 'utf8')).items;
    assert.equal(items.length, n, `${items.length} of ${n} items survived`);
    assert.equal(new Set(items.map((i) => i.key)).size, n);
    assert.equal(new Set(items.map((i) => i.seq)).size, n, 'every item has its own seq');
    assert.ok(!fs.existsSync(`${q}.lock`), 'the lock is released');
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.startsWith(`.concurrent-${n}.json`)), [], 'no temporary file is left');
  });
}

test('a stale lock (its holder died) is taken over; a live one is waited for', async () => {
  const q = path.join(tmp, 'stale.json');
  // A lock folder whose holder stopped refreshing it 30 s ago: proper-lockfile's stale rule.
  fs.mkdirSync(`${q}.lock`);
  const old = new Date(Date.now() - 30000);
  fs.utimesSync(`${q}.lock`, old, old);
  const r = await cliAsync(['enqueue', '--queue', q, '--request', reqFile, '--write']);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(fs.readFileSync(q, 'utf8')).items.length, 1);
});

test('a corrupt queue file, or one of an unknown version, is refused and never overwritten', async () => {
  for (const [name, text, code] of [
    ['corrupt.json', '{"version":1,"items":[{"seq":0', 2],
    ['future.json', JSON.stringify({ version: 9, nextSeq: 0, items: [] }), 4],
    ['edited.json', JSON.stringify({ version: 1, nextSeq: 1, items: [{ seq: 0, key: 'x', profile: 'evaluationExports', start: '2026-11-01T00:00:00Z', end: '2026-11-02T00:00:00Z', channels: ['sms'] }] }), 4],
  ]) {
    const q = file(name, text);
    const r = await cliAsync(['enqueue', '--queue', q, '--request', reqFile, '--write']);
    assert.equal(r.code, code, `${name}: ${r.err}`);
    assert.match(r.err, code === 2 ? /not valid JSON/ : /INVALID_QUEUE/);
    assert.equal(fs.readFileSync(q, 'utf8'), text, `${name} was overwritten`);
  }
});

test('writers killed with SIGKILL mid-run lose only their own item: the file stays whole, acknowledged items stay', async () => {
  const { spawn } = require('child_process');
  const q = path.join(tmp, 'killed.json');
  const procs = [];
  for (let i = 0; i < 30; i++) {
    const day = new Date(Date.UTC(2027, 0, 1) + i * 86400000).toISOString().slice(0, 10);
    const req = file(`k-${i}.json`, { start: day, end: `${day}T12:00:00Z`, timeZone: 'UTC', channels: ['sms'] });
    const p = spawn(process.execPath, [BIN, 'enqueue', '--queue', q, '--request', req, '--options', noneOptions, '--write'], { stdio: 'ignore' });
    procs.push({ day, p, done: new Promise((resolve) => p.on('close', (code, signal) => resolve({ code, signal }))) });
  }
  // Kill every fifth writer at some moment of its run: before, while or after holding the lock.
  procs.forEach(({ p }, i) => { if (i % 5 === 2) setTimeout(() => p.kill('SIGKILL'), 30 + i * 17); });
  const ends = await Promise.all(procs.map((x) => x.done));
  const items = JSON.parse(fs.readFileSync(q, 'utf8')).items; // whole: it parses
  const starts = new Set(items.map((it) => it.start.slice(0, 10)));
  ends.forEach((e, i) => {
    if (e.code === 0) assert.ok(starts.has(procs[i].day), `writer ${i} exited 0 but its item is missing`);
    else assert.equal(e.signal, 'SIGKILL', `writer ${i} failed: ${JSON.stringify(e)}`);
  });
  assert.equal(new Set(items.map((it) => it.key)).size, items.length, 'no duplicate');
  assert.ok(ends.filter((e) => e.signal === 'SIGKILL').length > 0, 'nothing was killed: the test tests nothing');
});
