#!/usr/bin/env node
// Serves the admin page on 127.0.0.1: www/ at /, the web build at /pkg/web/ and the ES5
// script (for pages that cannot load modules) at /pkg/servicenow/, and the README's
// browser example at /examples/browser/.
//   node www/serve.js [--port N]      (or PORT=N; default 8080; 0 picks a free port)
// Prints "serving http://127.0.0.1:PORT/" once listening. Node's standard library only.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

function parsePort(argv, env) {
  const i = argv.indexOf('--port');
  const eq = argv.find((a) => a.startsWith('--port='));
  const raw = eq ? eq.slice(7) : i >= 0 ? argv[i + 1] : env.PORT !== undefined && env.PORT !== '' ? env.PORT : '8080';
  if (!/^\d+$/.test(String(raw)) || Number(raw) > 65535) {
    console.error(`serve.js: --port must be a number from 0 to 65535, not '${raw}'`);
    process.exit(2);
  }
  return Number(raw);
}

/** Maps a URL path to a file under www/, pkg/web/, pkg/servicenow/ or examples/browser/, refusing anything else. */
function resolve(urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath.split('?')[0]);
  } catch (_) {
    return null;
  }
  if (p === '/' || p === '') p = '/index.html';
  const dir = ['/pkg/web/', '/pkg/servicenow/', '/examples/browser/'].find((d) => p.startsWith(d));
  const base = dir ? path.join(ROOT, ...dir.split('/').filter(Boolean)) : path.join(ROOT, 'www');
  const rel = dir ? p.slice(dir.length) : p.slice(1);
  const file = path.normalize(path.join(base, rel));
  return file.startsWith(base + path.sep) ? file : null;
}

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    return res.end();
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

server.listen(parsePort(process.argv.slice(2), process.env), '127.0.0.1', () => {
  console.log(`serving http://127.0.0.1:${server.address().port}/`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
