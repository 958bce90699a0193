// The admin page in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
// Screenshots go to out/screenshots/.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const ROOT = path.join(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'out', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

let server, base, context, userDataDir;

test.before(async () => {
  server = spawn(process.execPath, [path.join(ROOT, 'www', 'serve.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    setTimeout(() => reject(new Error('server did not start in 10 s')), 10000);
  });
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-guard-chromium-'));
  // A fresh profile per run, as the machine's Chromium notes ask.
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: FLAGS, headless: true });
  fs.mkdirSync(SHOTS, { recursive: true });
});

test.after(async () => {
  if (context) await context.close();
  if (server) server.kill();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

async function open(viewport = { width: 1280, height: 800 }) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(base);
  await page.waitForSelector('body[data-ready=true]', { timeout: 15000 });
  await page.selectOption('#tz', 'Europe/London');
  return { page, problems };
}

async function setRange(page, start, end) {
  await page.fill('#start', start);
  await page.fill('#end', end);
}

test('the README\'s browser example (examples/browser/index.html) runs as written', async () => {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  // The browser asks for /favicon.ico on its own (a 404 here); any other failed load counts.
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`); });
  await page.goto(new URL('/examples/browser/index.html', base).href);
  await page.waitForFunction(() => document.getElementById('answer').textContent !== '…', null, { timeout: 15000 });
  assert.equal(await page.textContent('#answer'), 'queue: blocked by a1');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a request overlapping the sample IN_PROGRESS job is queued, names the job and draws the conflict', async () => {
  const { page, problems } = await open();
  await setRange(page, '2026-11-02', '2026-11-09');
  await page.waitForFunction(() => document.getElementById('action').textContent === 'queue');
  const reasons = await page.textContent('#reasons');
  assert.match(reasons, /eval-export-7f3a \(IN_PROGRESS\)/);
  assert.match(await page.textContent('#summary'), /1 active job locks part of this range/);
  // The payload to send once the conflict clears is previewed too.
  assert.deepEqual(JSON.parse(await page.textContent('#payload')).filter, { channel: ['sms', 'whatsapp'] });
  // The conflict in the SVG: the job's bar is marked and an overlap region is drawn.
  assert.equal(await page.locator('#timeline rect.job.conflict[data-id="eval-export-7f3a"]').count(), 1);
  const overlap = page.locator('#timeline rect.overlap[data-job="eval-export-7f3a"]');
  assert.equal(await overlap.count(), 1);
  assert.ok(Number(await overlap.getAttribute('width')) > 10);
  assert.ok(await page.locator('#timeline rect.free').count() >= 1, 'free windows drawn');
  // The plan: 7 local days dealt to 3 workers, one of them blocked.
  assert.equal(await page.locator('#timeline rect.plan-window').count(), 7);
  assert.ok(await page.locator('#timeline rect.plan-window.blocked').count() >= 1);
  // Hover and keyboard focus show a bar's details.
  await page.hover('#timeline rect.job.conflict');
  assert.match(await page.textContent('#bar-details'), /eval-export-7f3a: IN_PROGRESS/);
  await page.focus('#timeline rect.request');
  assert.match(await page.textContent('#bar-details'), /^Request queue/);
  await page.screenshot({ path: path.join(SHOTS, 'queue-1280x800.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a free range submits and shows the exact payload', async () => {
  const { page } = await open();
  await setRange(page, '2026-11-16', '2026-11-18');
  await page.waitForFunction(() => document.getElementById('action').textContent === 'submit');
  assert.match(await page.textContent('#endpoint'), /^POST \/api\/v2\/quality\/evaluationexports$/);
  const payload = JSON.parse(await page.textContent('#payload'));
  assert.deepEqual(payload, { start_date: '2026-11-16T00:00:00.000Z', end_date: '2026-11-18T00:00:00.000Z', filter: { channel: ['sms', 'whatsapp'] } });
  assert.equal(await page.textContent('#lockkey'), '2026-11-16T00:00:00.000Z/2026-11-18T00:00:00.000Z');
  assert.equal(await page.locator('#timeline rect.overlap').count(), 0);
  await page.screenshot({ path: path.join(SHOTS, 'submit-1280x800.png'), fullPage: true });
  await page.close();
});

test('DST days are drawn as 23 h and 25 h days', async () => {
  const { page } = await open();
  await setRange(page, '2026-10-22', '2026-10-29');
  await page.waitForFunction(() => document.getElementById('action').textContent === 'submit');
  assert.equal(await page.locator('#timeline g.dst[data-hours="25"]').count(), 1);
  const rows = await page.$$eval('#plan tbody tr', (trs) => trs.map((tr) => tr.children[3].textContent));
  assert.deepEqual(rows, ['24', '24', '24', '25', '24', '24', '24']);
  await page.close();
});

test('an invalid date and an invalid channel show their errors next to the field', async () => {
  const { page, problems } = await open();
  await setRange(page, '2026-13-45', '2026-11-09');
  await page.waitForFunction(() => document.getElementById('action').textContent === 'reject');
  assert.match(await page.textContent('#start-error'), /^INVALID_DATE: month 13/);
  assert.equal(await page.getAttribute('#start', 'aria-invalid'), 'true');
  assert.equal(await page.textContent('#end-error'), '');
  await page.fill('#start', '2026-11-02');
  await page.fill('#other-channels', 'pigeon');
  await page.waitForFunction(() => document.getElementById('channels-error').textContent.length > 0);
  assert.match(await page.textContent('#channels-error'), /^UNKNOWN_CHANNEL: unknown channel "pigeon"/);
  assert.equal(await page.getAttribute('#other-channels', 'aria-invalid'), 'true');
  assert.equal(await page.textContent('#start-error'), '');
  assert.match(await page.textContent('#payload'), /no payload/);
  await page.screenshot({ path: path.join(SHOTS, 'errors-1280x800.png'), fullPage: true });
  await page.fill('#jobs', '[{ "id": ');
  await page.waitForFunction(() => /not valid JSON/.test(document.getElementById('jobs-error').textContent));
  // Bad jobs JSON does not hide the request's own errors: all show at once, each by its field.
  assert.match(await page.textContent('#channels-error'), /^UNKNOWN_CHANNEL: unknown channel "pigeon"/);
  await setRange(page, '2026-11-09', '2026-11-02');
  await page.waitForFunction(() => /INVALID_RANGE/.test(document.getElementById('end-error').textContent));
  assert.match(await page.textContent('#jobs-error'), /not valid JSON/);
  assert.match(await page.textContent('#channels-error'), /UNKNOWN_CHANNEL/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('usable by keyboard and readable on a phone', async () => {
  const { page } = await open({ width: 390, height: 844 });
  await setRange(page, '2026-11-02', '2026-11-09');
  await page.waitForFunction(() => document.getElementById('action').textContent === 'queue');
  // Every form control has a label.
  const unlabelled = await page.$$eval('input, select, textarea', (els) => els.filter((e) => !e.labels || e.labels.length === 0).map((e) => e.id || e.name));
  assert.deepEqual(unlabelled, []);
  // Tab reaches the sample button and the timeline bars.
  await page.focus('#jobs');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sample');
  // No horizontal page scroll at 390 px (the timeline scrolls inside its own box).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `page overflows by ${overflow}px`);
  await page.screenshot({ path: path.join(SHOTS, 'queue-390x844.png'), fullPage: true });
  await page.close();
});

/** A queue file in several states, made with the Node build (the same core as the page). */
function sampleQueue() {
  const eg = require('../../pkg');
  const now = Date.parse('2026-11-28T10:00:00Z');
  let q = eg.enqueueMany(null, [
    { start: '2026-11-02', end: '2026-11-04', timeZone: 'Europe/London', channels: ['sms'] },
    { start: '2026-11-03', end: '2026-11-05', timeZone: 'Europe/London', channels: ['sms'] },
    { start: '2026-11-10', end: '2026-11-11', timeZone: 'Europe/London', channels: ['voice'], profile: 'recordingJobs' },
    { start: '2026-11-12', end: '2026-11-13', timeZone: 'Europe/London', channels: ['sms'], profile: 'conversationDetailsJobs' },
  ], { now }).queue;
  // listing: false, as with a caller that lists jobs itself: every submit in one step.
  const step = eg.next(q, null, { now, integrationId: 's3', listing: false });
  const submit = (profile) => step.actions.find((x) => x.kind === 'submit' && x.profile === profile);
  q = eg.recordMany(step.queue, [
    { key: submit('evaluationExports').key, response: { status: 202, body: { id: 'ee-1', status: 'QUEUED' } } },
    { key: submit('conversationDetailsJobs').key, response: { status: 202, body: { jobId: 'cd-9' } } },
    { key: submit('recordingJobs').key, response: { status: 400, body: { message: 'integration not found' } } },
  ], { now: now + 1000 }).queue;
  return q;
}

test('the queue view lists each item by state with its next call, wake-up, job id and last answer, and draws it', async () => {
  const { page, problems } = await open();
  const file = path.join(os.tmpdir(), `eg-queue-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(sampleQueue()));
  await page.setInputFiles('#queue-file', file);
  await page.waitForFunction(() => document.querySelectorAll('#queue-table tbody tr').length === 4);
  const rows = await page.$$eval('#queue-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  // Each row is labelled by its request first, then its state.
  assert.match(rows[0][0], /^evaluationExports /);
  assert.deepEqual(rows.map((r) => r[1]), ['submitted', 'queued', 'failed', 'submitted']);
  assert.match(rows[0][2], /^poll \(GET\)/);
  assert.equal(rows[0][4], 'ee-1');
  assert.match(rows[0][5], /^202 to submit/);
  assert.match(rows[1][2], /^submit \(POST\): .*ee-1/);
  assert.match(rows[2][5], /400 to submit: integration not found/);
  assert.equal(rows[3][4], 'cd-9');
  // Times in the chosen zone (London is UTC+0 in November; New York is UTC-5), the UTC instant on hover/focus.
  assert.match(rows[0][3], /^2026-11-28 10:00:06$/);
  await page.selectOption('#tz', 'America/New_York');
  await page.waitForFunction(() => /05:00:06/.test(document.querySelector('#queue-table tbody tr td:nth-child(4)').textContent));
  const wake = page.locator('#queue-table tbody tr:first-child td:nth-child(4) time');
  assert.equal(await wake.getAttribute('title'), '2026-11-28T10:00:06.000Z (UTC)');
  await wake.focus();
  assert.match(await page.textContent('#queue-details'), /is 2026-11-28T10:00:06.000Z UTC/);
  // The items on the timeline, one bar each, coloured by state.
  assert.equal(await page.locator('#queue-timeline rect.qbar').count(), 4);
  assert.equal(await page.locator('#queue-timeline rect.q-failed').count(), 1);
  await page.focus('#queue-timeline rect.q-failed');
  assert.match(await page.textContent('#queue-details'), /^failed: recordingJobs/);
  assert.match(await page.textContent('#queue-summary'), /4 item\(s\): 1 failed, 1 queued, 2 submitted/);
  await page.screenshot({ path: path.join(SHOTS, 'queue-view-1280x800.png'), fullPage: true });
  // A corrupt file is refused with the core's words.
  const bad = path.join(os.tmpdir(), `eg-queue-bad-${process.pid}.json`);
  fs.writeFileSync(bad, JSON.stringify({ version: 99, items: [] }));
  await page.setInputFiles('#queue-file', bad);
  await page.waitForFunction(() => /INVALID_QUEUE/.test(document.getElementById('queue-error').textContent));
  assert.match(await page.textContent('#queue-error'), /queue version 99 is not supported/);
  fs.rmSync(file, { force: true });
  fs.rmSync(bad, { force: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the library is on the page as window.exportGuard, and the ES5 build works as a plain <script> (global ExportGuard), as one file or as its ServiceNow parts', async () => {
  const { page, problems } = await open();
  assert.match(await page.textContent('#console-hint'), /window\.exportGuard/);
  const request = { start: '2026-11-02', end: '2026-11-09', timeZone: 'Europe/London', channels: ['sms'] };
  const jobs = [{ id: 'j1', start: '2026-11-03T00:00:00Z', end: '2026-11-04T00:00:00Z', status: 'IN_PROGRESS' }];
  const fromModule = await page.evaluate(([r, j]) => window.exportGuard.decide(r, j), [request, jobs]);
  assert.equal(fromModule.action, 'queue');
  await page.addScriptTag({ url: '/pkg/servicenow/ExportGuard.all.js' });
  const fromScript = await page.evaluate(([r, j]) => ExportGuard.decide(r, j), [request, jobs]); // eslint-disable-line no-undef
  assert.deepEqual(fromScript, fromModule);
  // The ServiceNow layout: one script per part, then the main one.
  const parts = fs.readdirSync(path.join(__dirname, '..', '..', 'pkg', 'servicenow')).filter((f) => /^ExportGuardCore\d+\.js$/.test(f)).sort();
  assert.ok(parts.length >= 2, 'the ES5 build is split into parts');
  const { page: page2, problems: problems2 } = await open();
  for (const f of parts) await page2.addScriptTag({ url: '/pkg/servicenow/' + f });
  await page2.addScriptTag({ url: '/pkg/servicenow/ExportGuard.js' });
  assert.deepEqual(await page2.evaluate(([r, j]) => ExportGuard.decide(r, j), [request, jobs]), fromModule); // eslint-disable-line no-undef
  assert.deepEqual(problems2, []);
  await page2.close();
  assert.deepEqual(problems, []);
  await page.close();
});

test('in Chromium, a trap in the core replaces the wasm instance: the next call works, an old prepared list answers STALE_HANDLE', async () => {
  const { page, problems } = await open();
  const seen = await page.evaluate(() => {
    const eg = window.exportGuard.default;
    const request = { start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z', channels: ['sms'] };
    const jobs = [{ id: 'busy', start: '2026-11-02T10:00:00Z', end: '2026-11-02T11:00:00Z', status: 'IN_PROGRESS' }];
    const code = (fn) => { try { fn(); return 'no error'; } catch (e) { return e.code || String(e); } };
    const prepared = eg.prepareJobs(jobs);
    eg.__testing.trapNextCall();
    const trapped = code(() => eg.version());
    const over = new Array(eg.limits().maxJobs + 1).fill({});
    return {
      trapped,
      instances: eg.__testing.instances(),
      oldListInNewInstance: eg.freeJobs(prepared.index),
      next: eg.decide(request, jobs).action,
      stale: eg.decide(request, prepared).errors.map((e) => e.code),
      freed: prepared.free(),
      tooLarge: code(() => eg.prepareJobs(over)),
      after: eg.decide(request, jobs).action,
    };
  });
  assert.deepEqual(seen, { trapped: 'CORE_TRAPPED', instances: 2, oldListInNewInstance: false, next: 'queue', stale: ['STALE_HANDLE'], freed: false, tooLarge: 'TOO_LARGE', after: 'queue' });
  // The page still works after its core was replaced.
  await setRange(page, '2026-11-02', '2026-11-09');
  assert.deepEqual(problems, []);
  await page.close();
});

/** Starts `export-guard ui` with `args`; resolves to { child, url } once it listens. */
function startUi(args) {
  const child = spawn(process.execPath, [path.join(ROOT, 'pkg', 'bin', 'export-guard.js'), 'ui', '--port', '0', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve({ child, url: m[1], out });
    });
    child.on('exit', (code) => reject(new Error(`export-guard ui exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error('export-guard ui did not start in 10 s')), 10000);
  });
}

test('export-guard ui --store shows the queue live, read only, and says when the store stops answering', async () => {
  const eg = require('../../pkg');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eg-ui-'));
  const file = path.join(dir, 'queue.json');
  const day = (d) => ({ start: `2026-11-0${d}T00:00:00Z`, end: `2026-11-0${d + 1}T00:00:00Z`, channels: ['sms'] });
  let q = eg.enqueueMany(null, [day(1), day(2)], { now: '2026-11-28T10:00:00Z' }).queue;
  fs.writeFileSync(file, JSON.stringify(q));
  const { child, url, out } = await startUi(['--store', file]);
  assert.match(out, /with .*queue\.json live \(read only\)/);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  try {
    await page.goto(`${url}?refresh=300`);
    await page.waitForSelector('body[data-ready=true][data-live=true]', { timeout: 15000 });
    assert.match(await page.textContent('#queue-live'), /^Live, read only: .*queue\.json; refreshed \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    assert.equal(await page.locator('#queue-table tbody tr').count(), 2);
    // ISO-style times in the chosen zone, the UTC instant on hover.
    const t = page.locator('#queue-table tbody tr time').first();
    assert.match(await t.textContent(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.match(await t.getAttribute('title'), /Z \(UTC\)$/);
    // Another runner adds a bulk request (six weeks: two month parts): the page shows its
    // parts at its next refresh, unasked, each row labelled by its request.
    q = eg.enqueue(q, { start: '2026-09-01T00:00:00Z', end: '2026-10-15T00:00:00Z', channels: ['sms'] }, { now: '2026-11-28T10:00:01Z' }).queue;
    fs.writeFileSync(file, JSON.stringify(q));
    await page.waitForFunction(() => document.querySelectorAll('#queue-table tbody tr').length === 4, null, { timeout: 10000 });
    const labels = await page.$$eval('#queue-table tbody th', (ths) => ths.map((th) => th.textContent));
    assert.ok(labels.some((l) => /^part 1 of 2: evaluationExports /.test(l)) && labels.some((l) => /^part 2 of 2: /.test(l)), labels.join(' | '));
    // The server changes nothing: it refuses any other method than GET.
    const post = await page.evaluate(async () => (await fetch('/api/queue', { method: 'POST', body: '{}' })).status);
    assert.equal(post, 405);
    // Paths that name no file of the page (a NUL byte, a way out of its folder) are 404s,
    // and the server goes on serving.
    for (const bad of ['%00', 'a%00.html', '..%2f..%2fetc%2fpasswd', '%2e%2e/package.json']) {
      const r = await fetch(url + bad);
      assert.equal(r.status, 404, bad);
    }
    assert.equal((await fetch(url)).status, 200);
    // The store stops answering (a corrupt file here): the page says so, and when it last refreshed.
    fs.writeFileSync(file, '{ not json');
    await page.waitForFunction(() => /^The store is unreachable: .*; last refreshed \d{4}-/.test(document.getElementById('queue-live').textContent), null, { timeout: 10000 });
    assert.equal(await page.locator('#queue-table tbody tr').count(), 4, 'the last view stays');
    await page.screenshot({ path: path.join(SHOTS, 'ui-live.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    child.kill('SIGINT');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('on a phone the timeline opens at the request, the plan\'s columns fit, and no day label is clipped', async () => {
  const { page, problems } = await open({ width: 390, height: 844 });
  // One day among the sample's jobs: the timeline is wider than the phone, and the jobs
  // before the request would fill the box it opens on.
  await setRange(page, '2026-11-04', '2026-11-05');
  await page.waitForFunction(() => document.getElementById('action').textContent !== '');
  // The whole request bar is inside the timeline's visible box (the box scrolls on a phone).
  const box = await page.locator('#timeline-wrap').boundingBox();
  const req = await page.locator('#timeline .bar.request').boundingBox();
  assert.ok(req.x >= box.x && req.x + req.width <= box.x + box.width,
    `the request spans ${req.x} to ${req.x + req.width}, the box shows ${box.x} to ${box.x + box.width}`);
  // Every column of the plan, "Blocked by" included, is on screen.
  const last = await page.locator('#plan thead th:last-child').boundingBox();
  assert.ok(last.x + last.width <= 390, `"Blocked by" ends at ${last.x + last.width} of 390`);
  // No day label runs past the timeline's right edge (at either size).
  for (const size of [{ width: 390, height: 844 }, { width: 1280, height: 900 }]) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.dispatchEvent(new Event('resize')));
    const over = await page.$$eval('#timeline .axis text', (texts) => {
      const svg = document.getElementById('timeline').getBoundingClientRect();
      return texts.filter((t) => t.getBoundingClientRect().right > svg.right + 0.5).map((t) => t.textContent);
    });
    assert.deepEqual(over, [], `labels clipped at ${size.width} px`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('before a queue is opened the queue section shows no empty timeline or table', async () => {
  const { page, problems } = await open();
  assert.equal(await page.locator('#queue-timeline-wrap').isVisible(), false);
  assert.equal(await page.locator('#queue .table-wrap').isVisible(), false);
  assert.equal(await page.getAttribute('body', 'data-live'), null, 'served without a store, the page is not live');
  assert.deepEqual(problems, []);
  await page.close();
});

test('signing in to the simulator with PKCE lists its active recording jobs and decides against them; a wrong verifier and an expired code are refused', async () => {
  const crypto = require('crypto');
  const eg = require('../../pkg');
  const { createSimulator } = require('../../sim/server');
  const { SimClock } = require('../../sim/clock');
  const CI = { clientId: 'ci', clientSecret: 'ci-secret-3f1a' };
  // Jobs that stay PENDING for the test's length; the page signs in as the public client admin-page.
  const sim = createSimulator({ clock: new SimClock({ scale: 1 }), queuedMs: 600000, runMs: 600000, credentials: [CI], authCodeClients: [{ clientId: 'admin-page' }] });
  const api = await sim.start(0);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  try {
    const tok = await (await fetch(`${api}/oauth/token`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from(`${CI.clientId}:${CI.clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' })).json();
    const ids = [];
    for (const d of [2, 3]) {
      const body = eg.buildPayload({ profile: 'recordingJobs', start: `2026-11-0${d}T00:00:00Z`, end: `2026-11-0${d + 1}T00:00:00Z`, channels: ['voice'] },
        { integrationId: 's3-1', now: '2026-11-28T10:00:00Z' });
      const r = await fetch(`${api}/api/v2/recording/jobs`, { method: 'POST', headers: { Authorization: `Bearer ${tok.access_token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(r.status, 202);
      ids.push((await r.json()).id);
    }
    await page.goto(base);
    await page.waitForSelector('body[data-ready=true]');
    await page.fill('#api-base', api);
    await page.fill('#client-id', 'admin-page');
    await page.click('#signin');
    // Out to the simulator's /oauth/authorize and back with a code, exchanged with the verifier.
    await page.waitForFunction(() => /active recording job/.test(document.getElementById('org-status').textContent), null, { timeout: 15000 });
    assert.match(await page.textContent('#org-status'), /^Signed in as client admin-page: 2 active recording job\(s\) listed at /);
    assert.equal(new URL(page.url()).search, '', 'the code is gone from the address bar');
    const jobs = JSON.parse(await page.inputValue('#jobs'));
    assert.deepEqual(jobs.map((j) => j.id).sort(), ids.sort());
    assert.equal(await page.inputValue('#profile'), 'recordingJobs');
    assert.ok(await page.evaluate(() => sessionStorage.getItem('eg.token') !== null) && await page.evaluate(() => localStorage.length === 0), 'the token is in session storage only');
    // Without an S3 integration a recording EXPORT is refused by its field; with one, two
    // active recording jobs are the org's limit, so the request queues.
    await setRange(page, '2026-11-10', '2026-11-11');
    await page.waitForFunction(() => /MISSING_INTEGRATION_ID/.test(document.getElementById('integration-id-error').textContent));
    await page.fill('#integration-id', 's3-1');
    await page.waitForFunction(() => document.getElementById('action').textContent === 'queue');
    // A code exchanged with the wrong verifier, and one exchanged too late, are refused.
    const redirect = base;
    const verifier = crypto.randomBytes(32).toString('base64url');
    const codeFor = async () => {
      const q = new URLSearchParams({ response_type: 'code', client_id: 'admin-page', redirect_uri: redirect, state: 'st',
        code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
      return new URL((await fetch(`${api}/oauth/authorize?${q}`, { redirect: 'manual' })).headers.get('location')).searchParams.get('code');
    };
    const comeBack = async (code, v) => {
      await page.evaluate(([v2, a, r]) => sessionStorage.setItem('eg.pkce', JSON.stringify({ verifier: v2, state: 'st', clientId: 'admin-page', redirect: r, api: a, login: a })), [v, api, redirect]);
      await page.goto(`${base}?code=${encodeURIComponent(code)}&state=st`);
      await page.waitForFunction(() => /^Sign-in refused/.test(document.getElementById('org-status').textContent), null, { timeout: 15000 });
      return page.textContent('#org-status');
    };
    assert.match(await comeBack(await codeFor(), crypto.randomBytes(32).toString('base64url')), /400 invalid_grant: the code_verifier does not match the code_challenge/);
    sim.configure({ authCodeTtlSeconds: 1 });
    const late = await codeFor();
    await new Promise((r) => setTimeout(r, 1200));
    assert.match(await comeBack(late, verifier), /400 invalid_grant: the authorization code has expired/);
    await page.screenshot({ path: path.join(SHOTS, 'org-pkce.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await sim.stop();
  }
});

test('export-guard ui --store postgres://... shows a fleet of 4 runners\' queue moving through its states', { timeout: 180000 }, async () => {
  const { startCluster } = require('../../tests/pg/cluster');
  const { createSimulator } = require('../../sim/server');
  const { SimClock } = require('../../sim/clock');
  const { workload } = require('../../sim/workload');
  const CI = { clientId: 'fleet', clientSecret: 'fleet-ui-secret-91c2' };
  const pg = await startCluster();
  const sim = createSimulator({ clock: new SimClock({ scale: 1 }), queuedMs: 400, runMs: 1500, credentials: [CI], rateLimit: { requests: 100000, windowMs: 60000 } });
  const api = await sim.start(0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eg-ui-fleet-'));
  const options = path.join(dir, 'options.json');
  fs.writeFileSync(options, JSON.stringify({ integrationId: 's3-1', pollMs: 200, leaseMs: 3000 }));
  const storeUrl = pg.url('ui_fleet');
  const all = workload({ count: 16, seed: 4, days: 10, maxDays: 3 });
  const bin = path.join(ROOT, 'pkg', 'bin', 'export-guard.js');
  const env = { ...process.env, GENESYS_CLIENT_ID: CI.clientId, GENESYS_CLIENT_SECRET: CI.clientSecret };
  let ui = null;
  const page = await context.newPage();
  try {
    const started = await startUi(['--store', storeUrl]);
    ui = started.child;
    // Before any runner, the queue is empty, and the viewer created nothing in the database.
    const before = await (await fetch(`${started.url}api/queue`)).json();
    assert.equal(before.state, null);
    const { Client } = require('pg');
    const sql = new Client({ connectionString: storeUrl.replace(/\?.*$/, '') });
    await sql.connect();
    try {
      assert.equal((await sql.query("SELECT to_regclass('ui_fleet_meta') AS t")).rows[0].t, null, 'the viewer made no tables');
    } finally {
      await sql.end();
    }
    const runs = [0, 1, 2, 3].map((r) => {
      const file = path.join(dir, `requests-${r}.json`);
      fs.writeFileSync(file, JSON.stringify(all.filter((_, i) => i % 4 === r)));
      const child = spawn(process.execPath, [bin, 'run', '--store', storeUrl, '--requests', file, '--base-url', api, '--options', options], { env, stdio: 'ignore' });
      return new Promise((resolve) => child.on('exit', resolve));
    });
    await page.goto(`${started.url}?refresh=250`);
    await page.waitForSelector('body[data-live=true]', { timeout: 15000 });
    assert.ok(!(await page.textContent('#queue-live')).includes(new URL(storeUrl).password), 'the store password never reaches the page');
    const seen = new Set();
    let shot = false;
    let codes = null;
    const finished = Promise.all(runs).then((c) => { codes = c; });
    while (codes === null) {
      for (const s of await page.$$eval('#queue-table tbody tr', (rows) => rows.map((r) => r.dataset.state))) seen.add(s);
      if (!shot && seen.has('submitted') && seen.has('completed')) {
        await page.locator('#queue').screenshot({ path: path.join(SHOTS, 'ui-fleet.png') });
        shot = true;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    await finished;
    assert.deepEqual(codes, [0, 0, 0, 0], 'every runner exported its share');
    // At its next refresh the page shows every item final.
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#queue-table tbody tr')];
      return rows.length > 0 && rows.every((r) => r.dataset.state === 'completed' || r.dataset.state === 'failed');
    }, null, { timeout: 10000 });
    for (const s of ['submitted', 'completed']) assert.ok(seen.has(s), `the page showed items ${s} (saw ${[...seen].join(', ')})`);
    assert.ok(seen.size >= 3, `the page showed items moving through their states: ${[...seen].join(', ')}`);
    // PostgreSQL goes away: the viewer answers 503 at once (it waits for no server), the
    // page says so, and shows the queue again once the server is back.
    const down = pg.restart(4000);
    const asked = Date.now();
    const r = await fetch(`${started.url}api/queue`);
    const took = Date.now() - asked;
    assert.equal(r.status, 503);
    assert.match((await r.json()).error, /PostgreSQL at .*ui_fleet/);
    assert.ok(took < 3500, `answered in ${took} ms`);
    await page.waitForFunction(() => /^The store is unreachable/.test(document.getElementById('queue-live').textContent), null, { timeout: 10000 });
    await down;
    await page.waitForFunction(() => /^Live, read only/.test(document.getElementById('queue-live').textContent), null, { timeout: 15000 });
  } finally {
    await page.close();
    if (ui) ui.kill('SIGINT');
    await sim.stop();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
