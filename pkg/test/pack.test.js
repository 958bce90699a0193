'use strict';
// The npm package as a user gets it: `npm pack` in pkg/, installed into a scratch
// project outside the repository, then used the four ways the README names: require,
// import, the types under tsc --strict, and `npx export-guard`.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawn } = require('child_process');

const root = path.join(__dirname, '..', '..');
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('npm pack gives a complete tarball that works from a scratch project', { timeout: 300000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eg-pack-'));
  try {
    const [info] = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], path.join(root, 'pkg')));
    const files = info.files.map((f) => f.path).sort();
    for (const f of ['README.md', 'LICENSE-MIT', 'LICENSE-APACHE', 'package.json', 'index.js', 'index.d.ts', 'bin/export-guard.js',
      'bin/results.js', 'node/export_guard.js', 'web/index.js', 'web/export_guard_bg.wasm', 'servicenow/ExportGuard.js',
      'servicenow/ExportGuardCore1.js', 'servicenow/ExportGuardRunner.js', 'servicenow/ExportGuard.all.js', 'servicenow/export-guard.update-set.xml',
      'bin/ui.js', 'www/index.html', 'www/app.js']) {
      assert.ok(files.includes(f), `the tarball has ${f}`);
    }
    assert.equal(files.filter((f) => f.endsWith('.wasm')).length, 1, `the wasm once: ${files.filter((f) => f.endsWith('.wasm'))}`);
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('src/')), 'no tests or build sources');
    // A scratch project installs the tarball (and its dependencies, pg and proper-lockfile).
    const app = path.join(tmp, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(tmp, info.filename)], app);
    const run = (file, text) => {
      fs.writeFileSync(path.join(app, file), text);
      return execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8' }).trim();
    };
    const request = "{ start: '2026-11-02', end: '2026-11-09', timeZone: 'Europe/London', channels: ['sms'] }";
    const jobs = "[{ id: 'a1', start: '2026-11-03T00:00:00Z', end: '2026-11-04T00:00:00Z', status: 'IN_PROGRESS' }]";
    assert.equal(run('cjs.js', `const eg = require('export-guard'); console.log(eg.decide(${request}, ${jobs}).action);`), 'queue');
    assert.equal(run('esm.mjs', `import { decide } from 'export-guard'; console.log(decide(${request}, []).action);`), 'submit');
    // The types, as a TypeScript caller uses them.
    fs.writeFileSync(path.join(app, 'check.ts'), `import * as eg from 'export-guard';
const d: eg.Decision = eg.decide(${request}, ${jobs});
const action: 'submit' | 'queue' | 'reject' = d.action;
console.log(action);
`);
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'commonjs',
      moduleResolution: 'node', target: 'es2022', types: [] }, files: ['check.ts'] }));
    execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', app], { encoding: 'utf8' });
    // The CLI through npx, from the installed package.
    const help = execFileSync('npx', ['--no-install', 'export-guard', '--help'], { cwd: app, encoding: 'utf8' });
    assert.match(help, /Usage: export-guard <command>/);
    // `export-guard ui` serves the page and the web build from the installed package.
    const ui = spawn(path.join(app, 'node_modules', '.bin', 'export-guard'), ['ui', '--port', '0'], { cwd: app });
    try {
      const url = await new Promise((resolve, reject) => {
        let out = '';
        ui.stdout.on('data', (d) => { out += d; const m = /serving (http:\/\/\S+\/)/.exec(out); if (m) resolve(m[1]); });
        ui.on('exit', (code) => reject(new Error(`ui exited with ${code}: ${out}`)));
      });
      for (const p of ['', 'app.js', 'pkg/web/index.js', 'pkg/web/export_guard_bg.wasm']) {
        const r = await fetch(url + p);
        assert.equal(r.status, 200, `GET /${p} from the installed package`);
      }
    } finally {
      ui.kill();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
