'use strict';
// The admin page's server: the page (www/), the web build at /pkg/web/ and the ES5
// script at /pkg/servicenow/, on 127.0.0.1 by default. With a store (`export-guard ui
// --store ...`), GET /api/queue answers the queue's state, read (never written) at each
// request, for the page to show live: { store, at, state } with the store named without
// its password, or 503 { store, at, error } while the store is unreachable; without one,
// { store: null }. Nothing the
// page can send changes the queue: the server answers GET and HEAD only.
const http = require('http');
const fs = require('fs');
const path = require('path');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

/**
 * A server for the page. `roots` maps URL prefixes ('/pkg/web/') to folders; '/' is the
 * page's folder. `store` (optional) is an opened store (`read()`, `describe()`).
 */
function createUiServer({ roots, store = null }) {
  const prefixes = Object.keys(roots).filter((p) => p !== '/').sort((a, b) => b.length - a.length);
  /** Maps a URL path to a file under one of the roots, refusing anything else. */
  function resolve(urlPath) {
    let p;
    try {
      p = decodeURIComponent(urlPath.split('?')[0]);
    } catch (_) {
      return null;
    }
    // A NUL byte is no file name (fs would throw on it).
    if (p.includes('\0')) return null;
    if (p === '/' || p === '') p = '/index.html';
    const dir = prefixes.find((d) => p.startsWith(d));
    const base = dir ? roots[dir] : roots['/'];
    const file = path.normalize(path.join(base, dir ? p.slice(dir.length) : p.slice(1)));
    return file.startsWith(base + path.sep) ? file : null;
  }

  async function queue(res) {
    const at = new Date().toISOString();
    const name = store.describe();
    let body;
    let status = 200;
    try {
      body = { store: name, at, state: await store.read() };
    } catch (e) {
      status = 503;
      body = { store: name, at, error: String(e && e.message ? e.message : e) };
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': TYPES['.json'], 'Cache-Control': 'no-store' });
    res.end(text);
  }

  return http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    if (req.url.split('?')[0] === '/api/queue') {
      if (store) return void queue(res);
      // No store: the page works on opened queue files (an answer, not a 404 the
      // browser would log as an error).
      res.writeHead(200, { 'Content-Type': TYPES['.json'], 'Cache-Control': 'no-store' });
      return res.end(JSON.stringify({ store: null, note: 'no store: start the page with export-guard ui --store ... to see a queue live' }));
    }
    const file = resolve(req.url);
    if (!file) {
      res.writeHead(404);
      return res.end('not found');
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('not found');
      }
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
}

/** The page's folders: the repository's www/ (in a checkout), or the package's copy of it (npm). */
function defaultRoots() {
  const pkg = path.join(__dirname, '..');
  const repo = path.join(pkg, '..', 'www');
  const www = fs.existsSync(path.join(repo, 'index.html')) && fs.existsSync(path.join(repo, 'serve.js')) ? repo : path.join(pkg, 'www');
  return { '/': www, '/pkg/web/': path.join(pkg, 'web'), '/pkg/servicenow/': path.join(pkg, 'servicenow') };
}

module.exports = { createUiServer, defaultRoots };
