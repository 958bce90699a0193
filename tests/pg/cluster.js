'use strict';
// A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a free port
// on 127.0.0.1, password authentication, stopped (and removed) at the end. Debian's
// postgresql package provides the binaries (./build.sh test installs it). PostgreSQL
// refuses to run as root, so as root the server runs as the `postgres` user.
//
//   const pg = await startCluster();   // { url(table), port, restart(), stop() }
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

/** The folder of the PostgreSQL binaries (the newest Debian version, or PATH). */
function bindir() {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const base = '/usr/lib/postgresql';
  if (fs.existsSync(base)) {
    const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return path.join(base, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (which.status === 0) return path.dirname(which.stdout.trim());
  throw new Error('PostgreSQL is not installed (no initdb): ./build.sh test installs Debian\'s postgresql');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startCluster({ user = 'eg', password = 'pg-test-secret-7d41' } = {}) {
  const bin = bindir();
  const root = process.getuid && process.getuid() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eg-pg-'));
  const data = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, password + '\n');
  if (root) {
    fs.chmodSync(dir, 0o755);
    execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  }
  const as = (cmd, args) => (root ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args]);
  const run = (cmd, args) => {
    const [file, argv] = as(cmd, args);
    return execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  };
  run('initdb', ['-D', data, '-U', user, '--pwfile', pwfile, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const log = path.join(dir, 'server.log');
  const start = () => run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o',
    `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=100`, 'start']);
  start();
  const cluster = {
    port,
    user,
    password,
    dir,
    /** A store URL for `table`. */
    url(table = 'export_guard_queue', db = 'postgres') {
      return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}?table=${table}`;
    },
    /** Stops the server (fast: connections are cut), and starts it again after `downMs`. */
    async restart(downMs = 0) {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      start();
    },
    log() {
      return fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

module.exports = { startCluster, bindir };
