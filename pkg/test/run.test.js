'use strict';
// `export-guard run` against the simulator (real time, short jobs): the whole job with
// faults and OAuth, SIGKILLs and resumes, a wrong secret, token refresh, --dry-run,
// --max-wait and --json. Every outcome is checked against the simulator's audit.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { createSimulator, conversationsIn } = require('../../sim/server');
const { SimClock } = require('../../sim/clock');
const { workload } = require('../../sim/workload');

const bin = path.join(__dirname, '..', 'bin', 'export-guard.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eg-run-'));
const CREDS = { clientId: 'ci-client', clientSecret: 'not-a-real-secret-8d1f' };
const env = { ...process.env, GENESYS_CLIENT_ID: CREDS.clientId, GENESYS_CLIENT_SECRET: CREDS.clientSecret };
const options = path.join(tmp, 'options.json');
// A lease of 2 s: a killed run's calls are handed out again 2 s later (60 s by default).
fs.writeFileSync(options, JSON.stringify({ integrationId: 'sim-s3-integration', pollMs: 150, leaseMs: 2000, policy: { initialMs: 200, maxMs: 1000, maxAttempts: 12 } }));

/**
 * A simulator in real time with jobs of half a second, OAuth on. Overlapping evaluation
 * exports run one after another, so a run takes as long as its longest chain of them;
 * the rate limit is raised so that polling every 150 ms stays under it (the 429 fault
 * has its own cases in sim/test/).
 */
async function simulator(extra = {}) {
  const sim = createSimulator({ clock: new SimClock({ scale: 1 }), queuedMs: 100, runMs: 400, keepLog: true,
    credentials: CREDS, tokenTtlSeconds: 3600, rateLimit: { requests: 100000, windowMs: 60000 }, ...extra });
  return { sim, url: await sim.start(0) };
}

/** Runs the CLI; the promise also holds the `child` (to kill it at a moment of the test's choosing). */
function cli(args, { kill, env: withEnv = env } = {}) {
  let child;
  const done = new Promise((resolve) => {
    child = spawn(process.execPath, [bin, ...args], { env: withEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    let timer = null;
    if (kill) timer = setTimeout(() => child.kill('SIGKILL'), kill);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
  done.child = child;
  return done;
}

function requestsFile(name, count, seed) {
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(workload({ count, seed })));
  return file;
}

/** The export keys the queue file asked for (a request's key is its export's key). */
function wantedKeys(queueFile) {
  return [...new Set(JSON.parse(fs.readFileSync(queueFile, 'utf8')).items.map((i) => i.key))];
}

function auditCounts(sim) {
  const count = new Map();
  for (const e of sim.audit().exports) count.set(e.key, (count.get(e.key) || 0) + 1);
  return count;
}

test('run: 60 requests over the three profiles with faults and OAuth: each exported exactly once, exit 0', async () => {
  const { sim, url } = await simulator({ failRate: 0.1, transient503Rate: 0.03, tokenTtlSeconds: 4 });
  try {
    const queue = path.join(tmp, 'q-main.json');
    const r = await cli(['run', '--queue', queue, '--requests', requestsFile('main', 60, 21), '--base-url', url, '--options', options]);
    assert.equal(r.code, 0, r.err + r.out.slice(-2000));
    assert.match(r.out, /60 exported, 0 failed, 0 not finished/);
    // Where the data is: Genesys delivers recordings to the integration; details results wait for --results.
    assert.match(r.out, /^recording exports: Genesys delivers them to integration sim-s3-integration \(its S3 bucket\)/m);
    assert.match(r.out, /^details jobs: their results stay at Genesys .*export-guard downloads them when the run has --results DIR from the start/m);
    const count = auditCounts(sim);
    const keys = wantedKeys(queue);
    const profiles = new Set(keys.map((k) => k.split('|')[0]));
    assert.equal(profiles.size, 3, 'all three profiles');
    for (const k of keys) assert.equal(count.get(k), 1, `${k} exported ${count.get(k)} times`);
    assert.equal(count.size, keys.length, 'nothing nobody asked for');
    const stats = sim.stats();
    assert.ok(stats.tokensIssued > 1, 'a 4 s token must have been renewed');
    assert.equal(stats.byStatus['GET 401'] || 0, 0, 'the token is renewed before it expires');
    assert.ok(sim.audit().exports.filter((e) => e.profile === 'recordingJobs').every((e) => e.wasReady && e.executed));
    assert.ok(!(r.out + r.err).includes(CREDS.clientSecret), 'the secret appeared in the output');
  } finally {
    await sim.stop();
  }
});

test('run: a year of details jobs and a quarter of evaluation exports are planned into month parts, each exported once, one summary row per request', async () => {
  const { sim, url } = await simulator({ failRate: 0.1 });
  try {
    const queue = path.join(tmp, 'q-bulk.json');
    const requests = path.join(tmp, 'bulk.json');
    fs.writeFileSync(requests, JSON.stringify([
      { id: 'year', profile: 'conversationDetailsJobs', start: '2025-01-01', end: '2026-01-01', timeZone: 'Europe/London', channels: ['sms'] },
      { id: 'quarter', start: '2026-01-01T00:00:00Z', end: '2026-04-01T00:00:00Z', channels: ['email'] },
      { id: 'weeks', start: '2026-01-01T00:00:00Z', end: '2026-01-15T00:00:00Z', channels: ['voice'], split: { granularity: 'week' } },
    ]));
    const r = await cli(['run', '--queue', queue, '--requests', requests, '--base-url', url, '--options', options]);
    assert.equal(r.code, 0, r.err + r.out.slice(-3000));
    assert.match(r.out, /3 exported, 0 failed, 0 not finished/);
    assert.match(r.out, /^year +conversationDetailsJobs +2025-01-01T00:00:00.000Z\/2026-01-01T00:00:00.000Z +sms +12 parts +exported/m);
    assert.match(r.out, /^quarter +evaluationExports .* 3 parts +exported/m);
    // Europe/London months in summer start at 23:00Z; the weeks of January 2026 start on Mondays.
    const exported = sim.audit().exports.map((e) => e.key).sort();
    const year = exported.filter((k) => k.startsWith('conversationDetailsJobs|'));
    assert.equal(year.length, 12);
    assert.ok(year.includes('conversationDetailsJobs|2025-06-30T23:00:00.000Z/2025-07-31T23:00:00.000Z|sms'), year.join('\n'));
    assert.deepEqual(exported.filter((k) => k.startsWith('evaluationExports|') && k.endsWith('|voice')), [
      'evaluationExports|2026-01-01T00:00:00.000Z/2026-01-05T00:00:00.000Z|voice',
      'evaluationExports|2026-01-05T00:00:00.000Z/2026-01-12T00:00:00.000Z|voice',
      'evaluationExports|2026-01-12T00:00:00.000Z/2026-01-15T00:00:00.000Z|voice',
    ]);
    assert.equal(new Set(exported).size, exported.length, 'no part exported twice');
    assert.equal(exported.length, 12 + 3 + 3);
    // status reports the requests, and running the same file again adds nothing.
    const again = await cli(['run', '--queue', queue, '--requests', requests, '--base-url', url, '--options', options]);
    assert.equal(again.code, 0, again.err + again.out);
    assert.equal(sim.audit().exports.length, exported.length);
    const st = await cli(['status', '--store', queue, '--json']);
    const requestsSeen = JSON.parse(st.out).requests;
    assert.deepEqual(requestsSeen.map((x) => [x.parts, x.completed, x.outcome]), [[12, 12, 'completed'], [3, 3, 'completed'], [3, 3, 'completed']]);
  } finally {
    await sim.stop();
  }
});

/** The conversations a details job over [start, end) returns, as the simulator serves them. */
function conversationIds(start, end) {
  return conversationsIn(Date.parse(start), Date.parse(end)).map((c) => c.conversationId);
}

test('run --results: a year of details jobs in month parts gives one NDJSON file with every conversation once; killed during the downloads and resumed, the file is the same', async () => {
  // Pages of 40: each month's job has 4 pages; conversations at 23:30 UTC cross midnight,
  // so at each month boundary (midnight London) two parts' jobs return the same one.
  const { sim, url } = await simulator({ resultsPageSize: 40, failRate: 0.05, transient503Rate: 0.02 });
  try {
    const requests = path.join(tmp, 'results.json');
    fs.writeFileSync(requests, JSON.stringify([
      { id: 'year', profile: 'conversationDetailsJobs', start: '2025-01-01', end: '2026-01-01', timeZone: 'Europe/London', channels: ['sms'] },
    ]));
    const want = conversationIds('2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    const readIds = (file) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).conversationId);
    // One run straight through.
    const dir = path.join(tmp, 'results-1');
    const r = await cli(['run', '--queue', path.join(tmp, 'q-results-1.json'), '--requests', requests, '--base-url', url, '--options', options, '--results', dir]);
    assert.equal(r.code, 0, r.err + r.out.slice(-3000));
    const file = path.join(dir, 'year.ndjson');
    assert.match(r.out, new RegExp(`results of year: ${file.replace(/[.\\/]/g, '\\$&')} \\(${want.length} conversation\\(s\\), each once\\)`));
    const ids = readIds(file);
    assert.equal(new Set(ids).size, ids.length, 'no conversation twice');
    assert.deepEqual(ids, want, 'every conversation of the year, in time order');
    const served = sim.log.filter((e) => e.type === 'request' && /\/results/.test(e.path) && e.status === 200).length;
    assert.ok(served >= 12 * 3, `pages served: ${served}`);
    // Adjacent months' jobs returned some conversations twice: the file has each once.
    const months = sim.audit().exports.filter((e) => e.profile === 'conversationDetailsJobs').map((e) => e.key.split('|')[1].split('/'));
    const returned = months.reduce((n, [from, to]) => n + conversationIds(from, to).length, 0);
    assert.ok(returned > want.length, `the jobs returned ${returned} conversations for ${want.length}`);
    // Killed while it downloads (once some pages are on disk), then resumed.
    const dir2 = path.join(tmp, 'results-2');
    const queue2 = path.join(tmp, 'q-results-2.json');
    const pagesOnDisk = () => {
      const pages = path.join(dir2, '.pages');
      if (!fs.existsSync(pages)) return 0;
      // DIR/.pages/<item>/<job id>/<page>.ndjson
      return fs.readdirSync(pages).reduce((n, item) => n + fs.readdirSync(path.join(pages, item))
        .reduce((m, job) => m + fs.readdirSync(path.join(pages, item, job)).filter((f) => f.endsWith('.ndjson')).length, 0), 0);
    };
    let kills = 0;
    for (let k = 0; k < 6 && kills < 3; k++) {
      const run = cli(['run', '--queue', queue2, '--requests', requests, '--base-url', url, '--options', options, '--results', dir2]);
      let over = false;
      run.then(() => { over = true; });
      const target = pagesOnDisk() + 5;
      while (!over) {
        if (pagesOnDisk() >= target) {
          run.child.kill('SIGKILL');
          break;
        }
        await new Promise((res) => setTimeout(res, 10));
      }
      const end = await run;
      if (end.signal === 'SIGKILL') kills++;
      else break;
    }
    assert.ok(kills >= 1, 'killed at least once during the downloads');
    const last = await cli(['run', '--queue', queue2, '--requests', requests, '--base-url', url, '--options', options, '--results', dir2]);
    assert.equal(last.code, 0, last.err + last.out.slice(-2000));
    assert.equal(fs.readFileSync(path.join(dir2, 'year.ndjson'), 'utf8'), fs.readFileSync(file, 'utf8'), 'the same file');
  } finally {
    await sim.stop();
  }
});

test('run --results is refused as an option, and fetchResults in --options too', async () => {
  const opts = path.join(tmp, 'fetch-options.json');
  fs.writeFileSync(opts, JSON.stringify({ fetchResults: true }));
  const r = await cli(['run', '--queue', path.join(tmp, 'q-fr.json'), '--base-url', 'http://127.0.0.1:9', '--options', opts]);
  assert.equal(r.code, 2, r.err + r.out);
  assert.match(r.err + r.out, /fetchResults is set by --results DIR/);
});

test('run: SIGKILLed at 5 random moments and resumed: nothing lost, nothing recorded as submitted is POSTed again', async () => {
  const { sim, url } = await simulator({ failRate: 0.05 });
  try {
    const queue = path.join(tmp, 'q-kill.json');
    const requests = requestsFile('kill', 30, 22);
    let inDoubt = 0;
    const submittedBefore = new Map(); // key -> job ids recorded before a kill
    // Five kills at random moments; later ones come later, and up to three more follow
    // while no kill has yet come after a submit (a busy machine starts slowly).
    for (let k = 0; k < 8 && (k < 5 || submittedBefore.size === 0); k++) {
      const r = await cli(['run', '--queue', queue, '--requests', requests, '--base-url', url, '--options', options], { kill: 200 + k * 300 + Math.floor(Math.random() * 800) });
      if (r.signal !== 'SIGKILL') {
        assert.equal(r.code, 0, r.err);
        break;
      }
      // Killed before its first write (a busy machine starts slowly): nothing to read yet.
      if (!fs.existsSync(queue)) continue;
      const q = JSON.parse(fs.readFileSync(queue, 'utf8'));
      // POSTs whose answer may have been lost: at-least-once where Genesys cannot list jobs.
      inDoubt += q.items.filter((i) => i.state === 'submitting' && i.lease && i.lease.action === 'submit' && i.profile !== 'recordingJobs').length;
      for (const i of q.items) if (i.jobId) submittedBefore.set(i.key, (submittedBefore.get(i.key) || new Set()).add(i.jobId));
    }
    const last = await cli(['run', '--queue', queue, '--requests', requests, '--base-url', url, '--options', options]);
    assert.equal(last.code, 0, last.err + last.out.slice(-2000));
    const count = auditCounts(sim);
    const keys = wantedKeys(queue);
    let duplicates = 0;
    for (const k of keys) {
      assert.ok(count.get(k) >= 1, `${k} was never exported`);
      duplicates += count.get(k) - 1;
      if (k.startsWith('recordingJobs|')) assert.equal(count.get(k), 1, `${k}: a recording export ran twice`);
    }
    assert.ok(duplicates <= inDoubt, `${duplicates} duplicate exports for ${inDoubt} answers in doubt`);
    // No item recorded as submitted is POSTed again: after the job an item held at a
    // kill was created, the simulator created no other job for that key, unless that
    // job failed or vanished (then the item's final job is a later one).
    const final = JSON.parse(fs.readFileSync(queue, 'utf8')).items;
    const created = sim.log.filter((e) => e.type === 'job' && e.from === null);
    for (const item of final) {
      const held = submittedBefore.get(item.key);
      if (!held || !held.has(item.jobId)) continue;
      const at = created.findIndex((e) => e.id === item.jobId);
      assert.ok(at >= 0, `job ${item.jobId} was never created`);
      const later = created.slice(at + 1).filter((e) => e.key === item.key);
      assert.deepEqual(later.map((e) => e.id), [], `${item.key} was POSTed again after ${item.jobId} was recorded`);
    }
    assert.equal(final.filter((i) => i.state !== 'completed').length, 0);
    assert.ok(submittedBefore.size > 0, 'no kill came after a submit: the test tests little');
  } finally {
    await sim.stop();
  }
});

test('run: a wrong secret stops with a clear error and exit 1, and never prints the secret', async () => {
  const { sim, url } = await simulator();
  try {
    const wrong = 'wrong-secret-5c2a';
    const r = await cli(['run', '--queue', path.join(tmp, 'q-auth.json'), '--requests', requestsFile('auth', 3, 5), '--base-url', url],
      { env: { ...env, GENESYS_CLIENT_SECRET: wrong } });
    const child = { code: r.code, out: r.out + r.err };
    assert.equal(child.code, 1, child.out);
    assert.match(child.out, /authentication failed .*401 invalid_client.*GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET/);
    assert.ok(!child.out.includes(wrong) && !child.out.includes(CREDS.clientSecret));
    assert.equal(sim.stats().byStatus['POST 202'] || 0, 0, 'nothing was submitted');
  } finally {
    await sim.stop();
  }
});

/** A stand-in that gives tokens and answers every API call with `status` (Genesys's error shape). */
async function refusing(status) {
  const body = status === 403
    ? { status, code: 'missing.permissions', message: 'You are missing the following permission(s): analytics:conversationDetail:view' }
    : { status, code: 'bad.credentials', message: 'Invalid login credentials.' };
  const srv = http.createServer((req, res) => {
    const token = req.url === '/oauth/token';
    res.writeHead(token ? 200 : status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(token ? { access_token: 'tok', token_type: 'bearer', expires_in: 3600 } : body));
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${srv.address().port}`, close: () => new Promise((resolve) => srv.close(resolve)) };
}

test('run: failures fail fast with exit 1 and the cause: no credentials, a 401 after a fresh token, a 403, an unreachable API', async () => {
  const requests = requestsFile('failures', 2, 9);
  const { sim, url } = await simulator();
  try {
    const r = await cli(['run', '--queue', path.join(tmp, 'q-f1.json'), '--requests', requests, '--base-url', url],
      { env: { ...env, GENESYS_CLIENT_ID: '', GENESYS_CLIENT_SECRET: '' } });
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /export-guard: 401 to the \w+: the API needs valid credentials .*no bearer token.*; set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET/);
  } finally {
    await sim.stop();
  }
  for (const status of [401, 403]) {
    const api = await refusing(status);
    try {
      const r = await cli(['run', '--queue', path.join(tmp, `q-f${status}.json`), '--requests', requests, '--base-url', api.url]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.out, status === 401 ? /export-guard: 401 to the \w+: the API needs valid credentials .*Invalid login credentials/
        : /export-guard: 403 to the \w+: the credentials lack a permission this call needs \(You are missing the following permission\(s\): analytics:conversationDetail:view\)/);
    } finally {
      await api.close();
    }
  }
  // A port nobody listens on: ECONNREFUSED, then exit 1 after --give-up-after (not exit 3 at --max-wait).
  const closed = await refusing(500);
  await closed.close();
  const started = Date.now();
  const r = await cli(['run', '--queue', path.join(tmp, 'q-f0.json'), '--requests', requests, '--base-url', closed.url, '--give-up-after', '2s']);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, new RegExp(`export-guard: the API at ${closed.url.replace(/[.]/g, '\\.')} has given no answer for 2 s \\(no response.*ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\); stopped \\(--give-up-after\\)`));
  assert.ok(Date.now() - started < 30000, 'it gave up soon after 2 s');
});

test('run: an expired or revoked token is refreshed, after a 401 too, without failing anything', async () => {
  // Tokens live 2 s (renewed a tenth of that early); halfway, every token is revoked,
  // so the next call meets a 401: the token is renewed and the call made again.
  const { sim, url } = await simulator({ tokenTtlSeconds: 2, runMs: 1500 });
  const revoke = setTimeout(() => sim.revokeTokens(), 1500);
  try {
    const r = await cli(['run', '--queue', path.join(tmp, 'q-refresh.json'), '--requests', requestsFile('refresh', 10, 6), '--base-url', url, '--options', options]);
    assert.equal(r.code, 0, r.err + r.out.slice(-1500));
    const stats = sim.stats();
    const unauthorized = Object.entries(stats.byStatus).filter(([k]) => k.endsWith(' 401')).reduce((t, [, n]) => t + n, 0);
    assert.ok(unauthorized >= 1, `no call met the revoked token: ${JSON.stringify(stats.byStatus)}`);
    assert.ok(stats.tokensIssued >= 3, `${stats.tokensIssued} tokens: expected a renewal on expiry and one after the 401`);
    assert.match(r.out, /10 exported, 0 failed/);
  } finally {
    clearTimeout(revoke);
    await sim.stop();
  }
});

test('run --dry-run makes no request: the simulator logs none', async () => {
  const { sim, url } = await simulator();
  try {
    const queue = path.join(tmp, 'q-dry.json');
    const r = await cli(['run', '--dry-run', '--queue', queue, '--requests', requestsFile('dry', 5, 7), '--base-url', url, '--options', options]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /POST \/api\/v2\//);
    assert.match(r.out, /dry run: \d+ call\(s\) shown, none made/);
    assert.equal(sim.log.filter((e) => e.type === 'request' || e.type === 'token').length, 0);
    assert.ok(!fs.existsSync(queue), 'the queue file was written');
  } finally {
    await sim.stop();
  }
});

test('run --max-wait stops with exit 3 and the same command resumes to exit 0; --json gives JSON lines', async () => {
  const { sim, url } = await simulator({ runMs: 2500 });
  try {
    const queue = path.join(tmp, 'q-wait.json');
    const requests = requestsFile('wait', 4, 8);
    const first = await cli(['run', '--queue', queue, '--requests', requests, '--base-url', url, '--options', options, '--max-wait', '1s', '--json']);
    assert.equal(first.code, 3, first.err + first.out.slice(-1000));
    const lines = first.out.trim().split('\n').map((l) => JSON.parse(l));
    const summary = lines[lines.length - 1];
    assert.equal(summary.type, 'summary');
    assert.ok(summary.unfinished > 0);
    assert.ok(lines.some((l) => l.type === 'event' && l.event === 'submitted'));
    const second = await cli(['run', '--queue', queue, '--requests', requests, '--base-url', url, '--options', options]);
    assert.equal(second.code, 0, second.err);
    const count = auditCounts(sim);
    for (const k of wantedKeys(queue)) assert.equal(count.get(k), 1, k);
  } finally {
    await sim.stop();
  }
});

test('run: usage errors exit 2; --region without credentials is refused', async () => {
  const noTarget = { ...env, EXPORT_GUARD_BASE_URL: '', GENESYS_REGION: '' };
  for (const [args, re, e] of [
    [['run', '--queue', path.join(tmp, 'u.json')], /no target: give --base-url URL or --region DOMAIN/, noTarget],
    [['run', '--queue', path.join(tmp, 'u.json'), '--region', 'mypurecloud.com', '--base-url', 'http://x'], /give one target/],
    [['run', '--base-url', 'http://127.0.0.1:9'], /--store is required/, { ...env, EXPORT_GUARD_STORE: '' }],
    [['run', '--store', 'redis://u:pw123@h/0', '--base-url', 'http://127.0.0.1:9'], /unknown store scheme 'redis:' in 'redis:\/\/u:\*\*\*@h\/0'/],
    [['run', '--queue', path.join(tmp, 'u.json'), '--region', 'mypurecloud.com'], /needs OAuth/, { ...process.env, GENESYS_CLIENT_ID: '', GENESYS_CLIENT_SECRET: '' }],
    [['run', '--queue', path.join(tmp, 'u.json'), '--base-url', 'http://127.0.0.1:9', '--max-wait', 'soon'], /duration/],
  ]) {
    const r = await cli(args, { env: e || env });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, re);
  }
});

test('progress: one live line on a terminal, plain lines otherwise, and never the secret', () => {
  const { Progress, parseDuration } = require('../bin/run');
  const sink = (isTTY) => ({ isTTY, text: '', write(s) { this.text += s; } });
  const tty = sink(true);
  const p = new Progress(tty, { json: false, tty: true, secret: 's3cret' });
  p.step({ queued: 2, submitted: 1, completed: 0 }, '2026-11-29T03:00:00.000Z', 0);
  assert.match(tty.text, /^\r\x1b\[2Kqueued 2, submitted 1; next call at 2026-11-29T03:00:00Z$/);
  p.event({ at: '2026-11-29T03:00:01.000Z', event: 'running', key: 'k', id: 'r1', state: 'submitted' });
  p.event({ at: '2026-11-29T03:00:02.000Z', event: 'submitted', key: 'k', id: 'r2', jobId: 'j2', state: 'submitted' });
  assert.doesNotMatch(tty.text, /r1|r2/, 'on a terminal, routine events stay in the live line');
  p.event({ at: '2026-11-29T03:00:03.000Z', event: 'failed', key: 'k', id: 'r3', state: 'failed', reason: 'token s3cret refused' });
  assert.match(tty.text, /\r\x1b\[2K2026-11-29T03:00:03Z failed {4}r3 \(token \*\*\* refused\)\n$/);
  const plain = sink(false);
  const q = new Progress(plain, { json: false, tty: false, secret: 's3cret' });
  q.event({ at: '2026-11-29T03:00:02.000Z', event: 'submitted', key: 'k', id: 'r2', jobId: 'j2', state: 'submitted' });
  q.event({ at: '2026-11-29T03:00:04.000Z', event: 'running', key: 'k', id: 'r2', state: 'submitted' });
  assert.equal(plain.text, '2026-11-29T03:00:02Z submitted r2 job j2\n');
  // A wait is told when it changes, not at every step.
  plain.text = '';
  const wait = [{ key: 'k', reason: 'paused', text: 'submits of evaluationExports are paused until 2026-11-29T03:01:00.000Z after a 429 (Retry-After)' }];
  q.waiting('2026-11-29T03:00:05.000Z', wait, () => 'r2');
  q.waiting('2026-11-29T03:00:06.000Z', wait, () => 'r2');
  assert.equal(plain.text, '2026-11-29T03:00:05Z waiting   r2: submits of evaluationExports are paused until 2026-11-29T03:01:00.000Z after a 429 (Retry-After)\n');
  q.waiting('2026-11-29T03:00:07.000Z', [], () => 'r2');
  q.waiting('2026-11-29T03:00:08.000Z', wait, () => 'r2');
  assert.equal(plain.text.split('\n').length, 3, 'told again after it stopped and came back');
  assert.equal(parseDuration('90s'), 90000);
  assert.equal(parseDuration('2h'), 7200000);
  assert.equal(parseDuration('1.5m'), 90000);
});

test('run refuses a corrupt or unknown-version queue file (exit 4) and never overwrites it', async () => {
  for (const [name, text] of [['corrupt', '{"version": 2, "items": [ {'], ['future', JSON.stringify({ version: 99, items: [] })]]) {
    const queue = path.join(tmp, `q-${name}.json`);
    fs.writeFileSync(queue, text);
    const r = await cli(['run', '--queue', queue, '--requests', requestsFile(name, 2, 9), '--base-url', 'http://127.0.0.1:9']);
    assert.equal(r.code, name === 'corrupt' ? 2 : 4, `${name}: ${r.err}`);
    assert.match(r.err, name === 'corrupt' ? /queue .* is not valid JSON/ : /INVALID_QUEUE at queue\.version: queue version 99 is not supported/);
    assert.equal(fs.readFileSync(queue, 'utf8'), text, 'the file was changed');
  }
});

test('run --results refuses two request ids that would write one results file, before anything is queued', async () => {
  const requests = path.join(tmp, 'colliding.json');
  const day = { profile: 'conversationDetailsJobs', start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z', channels: ['sms'] };
  fs.writeFileSync(requests, JSON.stringify([{ id: 'Q1/2026', ...day }, { id: 'q1:2026', ...day, channels: ['voice'] }]));
  const queue = path.join(tmp, 'q-colliding.json');
  const r = await cli(['run', '--queue', queue, '--requests', requests, '--base-url', 'http://127.0.0.1:9', '--results', path.join(tmp, 'colliding-results')]);
  assert.equal(r.code, 2, r.err + r.out);
  assert.match(r.err, /the ids 'Q1\/2026' and 'q1:2026' would both write their results to q1_2026\.ndjson/);
  assert.equal(fs.existsSync(queue), false, 'nothing was queued');
});
