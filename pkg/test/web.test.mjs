// The browser entry (pkg/web/index.js, an ES module with top-level await) loaded in Node,
// with fetch taught to read file: URLs the way a browser fetches the .wasm next to it.
// The real-browser run is the Chromium test of www/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const realFetch = globalThis.fetch;
const fetched = [];
globalThis.fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.protocol !== 'file:') return realFetch(input, init);
  fetched.push(url.pathname);
  const body = await readFile(fileURLToPath(url));
  return new Response(body, { headers: { 'content-type': 'application/wasm' } });
};

test('web/index.js initialises itself and answers like the Node build', async () => {
  const web = await import('../web/index.js');
  const node = (await import('../index.js')).default;
  assert.ok(fetched.some((p) => p.endsWith('/web/export_guard_bg.wasm')), 'fetched the wasm beside web/index.js');
  const request = { start: '2026-10-25', end: '2026-10-26', timeZone: 'Europe/London', channels: ['WhatsApp', 'sms'] };
  const jobs = [{ id: 'a', start: '2026-10-25T10:00:00Z', end: '2026-10-25T11:00:00Z', status: 'IN_PROGRESS' }];
  assert.deepEqual(web.decide(request, jobs), node.decide(request, jobs));
  assert.equal(web.default.decide, web.decide);
  assert.throws(() => web.schedule({ factor: 0 }), (err) => err instanceof web.ExportGuardError && err.code === 'INVALID_POLICY');
  assert.equal(web.decide(request, []).action, 'submit');
});
