#!/usr/bin/env node
// Serves the admin page on 127.0.0.1: www/ at /, the web build at /pkg/web/ and the ES5
// script (for pages that cannot load modules) at /pkg/servicenow/, and the README's
// browser example at /examples/browser/.
//   node www/serve.js [--port N]      (or PORT=N; default 8080; 0 picks a free port)
// Prints "serving http://127.0.0.1:PORT/" once listening. Node's standard library only.
'use strict';
const path = require('path');

const ROOT = path.join(__dirname, '..');
const { createUiServer, defaultRoots } = require('../pkg/bin/ui.js');

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

// The page with no store (pasted or opened queue files), plus the README's browser example.
const server = createUiServer({ roots: { ...defaultRoots(), '/': path.join(ROOT, 'www'), '/examples/browser/': path.join(ROOT, 'examples', 'browser') } });

server.listen(parsePort(process.argv.slice(2), process.env), '127.0.0.1', () => {
  console.log(`serving http://127.0.0.1:${server.address().port}/`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
