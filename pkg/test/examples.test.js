'use strict';
// The files in examples/ are the ones the README's quick start uses: each runs here as
// written, so the docs cannot drift from what works.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawn } = require('child_process');
const { createSimulator } = require('../../sim/server');
const { SimClock } = require('../../sim/clock');

const root = path.join(__dirname, '..', '..');
const examples = path.join(root, 'examples');
const node = (file) => execFileSync(process.execPath, [path.join(examples, file)], { encoding: 'utf8' });

test('examples/node/decide.js: queue behind a1, the free windows, four workers, the payload, a 429 backoff', () => {
  const out = node('node/decide.js');
  assert.match(out, /^queue blocked by a1$/m);
  assert.match(out, /^free now: 2026-11-01T00:00:00.000Z → 2026-11-03T00:00:00.000Z$/m);
  assert.match(out, /^worker 3: 2026-11-04T00:00:00.000Z → 2026-11-05T00:00:00.000Z$/m);
  assert.match(out, /"filter":\{"channel":\["sms","whatsapp"\]\}/);
  assert.match(out, /^retry in 30000 ms$/m);
});

test('examples/node/decide.mjs: the named exports from an ES module', () => {
  assert.equal(node('node/decide.mjs').trim(), 'submit');
});

test('examples/run: the quick start\'s requests and options, run against the simulator, export everything (the quarter in months, its results downloaded)', async () => {
  const creds = { clientId: 'example-client', clientSecret: 'example-secret-0b7e' };
  const sim = createSimulator({ clock: new SimClock({ scale: 1 }), queuedMs: 100, runMs: 300, credentials: creds, rateLimit: { requests: 100000, windowMs: 60000 } });
  const url = await sim.start(0);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eg-examples-'));
  try {
    const args = [path.join(root, 'pkg', 'bin', 'export-guard.js'), 'run', '--requests', path.join(examples, 'run', 'requests.json'),
      '--store', path.join(tmp, 'queue.json'), '--base-url', url, '--options', path.join(examples, 'run', 'options.json'), '--results', path.join(tmp, 'results')];
    const r = await new Promise((resolve) => {
      const child = spawn(process.execPath, args, { env: { ...process.env, GENESYS_CLIENT_ID: creds.clientId, GENESYS_CLIENT_SECRET: creds.clientSecret } });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
      child.on('exit', (code) => resolve({ code, out }));
    });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /4 exported, 0 failed, 0 not finished/);
    assert.match(r.out, /^details-q3 +conversationDetailsJobs .* 3 parts +exported/m);
    assert.match(r.out, /results of details-q3: .*details-q3\.ndjson \(\d+ conversation\(s\), each once\)/);
  } finally {
    await sim.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('the README\'s examples are the files in examples/, as they are', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\n```[a-z]*\n([\s\S]*?)```/g)];
  assert.ok(blocks.length >= 4, `examples in the README: ${blocks.length}`);
  for (const [, file, body] of blocks) assert.equal(body, fs.readFileSync(path.join(root, file), 'utf8'), `README block of ${file}`);
  assert.ok(readme.split('\n').length <= 250, `the README has ${readme.split('\n').length} lines (at most 250)`);
});

test('every relative link in the README and docs/ names a file that exists', () => {
  const files = ['README.md'];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name.endsWith('.md')) files.push(path.join(dir, e.name));
    }
  };
  walk('docs');
  const broken = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(root, f), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target)) continue;
      const file = path.join(root, path.dirname(f), target.split('#')[0]);
      if (!fs.existsSync(file)) broken.push(`${f}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});
