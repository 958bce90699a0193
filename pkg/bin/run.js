'use strict';
// `export-guard run`: the whole export job for CI, against Genesys or the simulator. A thin
// I/O loop on the core's lifecycle: the core decides every call (next) and reads every
// answer (record); this file only authenticates, makes the calls with Node's fetch,
// keeps the queue file (locked, atomic), sleeps and reports.
const fs = require('fs');
const { readQueue, writeAtomic, withQueueLock } = require('./queue-file');

/** Exit codes of `run`. */
const RUN_EXIT = { EXPORTED: 0, INTERNAL: 1, USAGE: 2, WAITING: 3, FAILED: 4 };

class RunUsageError extends Error {}
/** The run cannot go on: authentication refused, the API unreachable for the token. */
class RunError extends Error {}

/** "90s", "30m", "2h", "1d", "500ms" or a bare number of seconds, as milliseconds. */
function parseDuration(text, name) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(String(text).trim());
  if (!m) throw new RunUsageError(`--${name} takes a duration such as 90s, 30m, 2h or 1d, not '${text}'`);
  const unit = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 }[m[2] || 's'];
  return Math.round(Number(m[1]) * unit);
}

/**
 * Where to send calls: --base-url (the simulator, a proxy) or --region (a Genesys Cloud
 * region domain such as mypurecloud.com or euw2.pure.cloud: https://api.<region>, tokens
 * from https://login.<region>/oauth/token).
 */
function target(opts) {
  if ((opts['base-url'] === undefined) === (opts.region === undefined)) {
    throw new RunUsageError('give exactly one target: --base-url URL or --region DOMAIN (e.g. mypurecloud.com)');
  }
  if (opts.region !== undefined) {
    const region = String(opts.region).replace(/^https?:\/\//, '').replace(/^(api|login)\./, '').replace(/\/.*$/, '');
    if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(region)) throw new RunUsageError(`--region takes a domain such as mypurecloud.com, not '${opts.region}'`);
    return { api: `https://api.${region}`, token: opts['login-url'] ? `${opts['login-url'].replace(/\/$/, '')}/oauth/token` : `https://login.${region}/oauth/token`, region };
  }
  let url;
  try {
    url = new URL(opts['base-url']);
  } catch {
    throw new RunUsageError(`--base-url is not a URL: '${opts['base-url']}'`);
  }
  const api = url.href.replace(/\/$/, '');
  return { api, token: `${(opts['login-url'] || api).replace(/\/$/, '')}/oauth/token`, region: null };
}

/**
 * OAuth client credentials (GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET): one token for the
 * run, fetched when first needed, refreshed a minute before it expires and after a 401.
 * The secret is only ever sent to the token URL, never printed.
 */
class Auth {
  constructor(tokenUrl, clientId, clientSecret) {
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.token = null;
    this.expiresAt = 0;
    this.margin = 0;
    this.fetched = 0;
  }

  get enabled() {
    return Boolean(this.clientId);
  }

  async header() {
    if (!this.enabled) return {};
    if (!this.token || Date.now() >= this.expiresAt - this.margin) await this.refresh();
    return { Authorization: `Bearer ${this.token}` };
  }

  invalidate() {
    this.token = null;
  }

  async refresh() {
    const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64');
    let res;
    try {
      res = await fetch(this.tokenUrl, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: 'grant_type=client_credentials',
      });
    } catch (e) {
      throw new RunError(`cannot reach the token endpoint ${this.tokenUrl}: ${e.cause ? e.cause.code || e.cause.message : e.message}`);
    }
    const body = await res.json().catch(() => null);
    if (!res.ok || !body || typeof body.access_token !== 'string') {
      const why = body && (body.error || body.code) ? `${body.error || body.code}${body.description || body.message ? `: ${body.description || body.message}` : ''}` : 'no token in the answer';
      throw new RunError(`authentication failed at ${this.tokenUrl} (${res.status} ${why}); check GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET`);
    }
    this.token = body.access_token;
    const lifetime = Number(body.expires_in) > 0 ? Number(body.expires_in) * 1000 : 3600000;
    this.expiresAt = Date.now() + lifetime;
    // Renewed a minute early (a tenth of the lifetime for short-lived tokens).
    this.margin = Math.min(60000, lifetime / 10);
    this.fetched += 1;
  }
}

/** Runs `task(item)` for every item with at most `limit` running at once. */
async function pool(items, limit, task) {
  let next = 0;
  const runners = [];
  for (let w = 0; w < Math.min(limit, items.length); w++) {
    runners.push((async () => {
      while (next < items.length) await task(items[next++]);
    })());
  }
  await Promise.all(runners);
}

/** One API call, answered as { status, headers, body } (status 0: no response). A 401 refreshes the token and tries once more. */
async function call(api, auth, method, path, body) {
  for (let attempt = 0; ; attempt++) {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json', ...(await auth.header()) };
    let res;
    try {
      res = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      return { status: 0, headers: {}, body: { message: `no response: ${e.cause ? e.cause.code || e.cause.message : e.message}` } };
    }
    if (res.status === 401 && auth.enabled && attempt === 0) {
      auth.invalidate();
      continue;
    }
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { message: text.slice(0, 200) };
    }
    const h = {};
    res.headers.forEach((v, k) => { h[k] = v; });
    return { status: res.status, headers: h, body: json };
  }
}

/** Progress: a live line on a TTY, one line per event otherwise, JSON lines with --json. */
class Progress {
  constructor(out, { json, tty, secret }) {
    this.out = out;
    this.json = json;
    this.tty = tty && !json;
    this.secret = secret;
    this.live = false;
  }

  /** Never lets the secret through, whatever a server echoes. */
  clean(text) {
    return this.secret ? text.split(this.secret).join('***') : text;
  }

  write(line) {
    if (this.live) {
      this.out.write('\r\x1b[2K');
      this.live = false;
    }
    this.out.write(this.clean(line) + '\n');
  }

  event(e) {
    if (this.json) return this.write(JSON.stringify({ type: 'event', ...e }));
    if (e.event === 'running') return; // a poll that changed nothing: in the counts only
    const what = [e.at.replace(/\.\d+Z$/, 'Z'), e.event.padEnd(9), e.id || e.key];
    if (e.jobId) what.push(`job ${e.jobId}`);
    if (e.state && e.state !== e.event) what.push(e.state);
    if (e.reason && (e.event === 'failed' || e.event === 'resubmit' || e.event === 'retry' || !this.tty)) what.push(`(${e.reason})`);
    // On a TTY only the events a person must see get their own line; the rest are in the counts.
    if (!this.tty || e.event === 'failed' || e.event === 'completed') this.write(what.join(' '));
  }

  step(counts, wakeAt) {
    const parts = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
    if (this.json) return this.write(JSON.stringify({ type: 'step', at: new Date().toISOString(), counts, wakeAt }));
    if (!this.tty) return;
    const wake = wakeAt ? `; next ${new Date(wakeAt).toISOString().replace(/\.\d+Z$/, 'Z')}` : '';
    this.out.write(`\r\x1b[2K${this.clean(`${parts || 'empty'}${wake}`)}`);
    this.live = true;
  }

  note(text) {
    if (this.json) return this.write(JSON.stringify({ type: 'note', at: new Date().toISOString(), message: text }));
    this.write(text);
  }
}

/** The summary table (plain text) of the run's items. */
function table(rows) {
  const head = ['id', 'profile', 'range', 'channels', 'job id', 'outcome', 'attempts'];
  const cells = rows.map((r) => [r.id, r.profile, `${r.start}/${r.end}`, r.channels.join(','), r.jobId || '-',
    r.outcome + (r.reason && r.outcome !== 'exported' ? `: ${r.reason}` : ''), String(r.attempts)]);
  const width = head.map((h, i) => Math.min(60, Math.max(h.length, ...cells.map((c) => c[i].length))));
  const line = (c) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(width[i]))).join('  ');
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** The items this run is about (its requests, by key; all live and final items without requests). */
function rowsOf(queue, ids) {
  const newest = new Map();
  for (const item of (queue && queue.items) || []) newest.set(item.key, item);
  const pick = ids ? ids.map(([id, key]) => [id, newest.get(key)]) : [...newest.values()].map((i) => [String(i.seq), i]);
  return pick.filter(([, item]) => item).map(([id, item]) => ({
    id, key: item.key, profile: item.profile, start: item.start, end: item.end, channels: item.channels, jobId: item.jobId || null,
    outcome: item.state === 'completed' ? 'exported' : item.state === 'failed' ? 'failed' : `not finished (${item.state})`,
    reason: item.reason || null, attempts: item.attempts,
  }));
}

/**
 * `export-guard run`. `readJson(file, what)` reads a JSON file or stdin; `eg` is the
 * library; `out` the stream for progress and the summary. Resolves to the exit code.
 */
async function run(opts, eg, { readJson, out = process.stdout, env = process.env } = {}) {
  if (opts.queue === undefined) throw new RunUsageError('--queue FILE is required (the run\'s state; run again with it to resume)');
  const tgt = opts['dry-run'] && opts['base-url'] === undefined && opts.region === undefined ? null : target(opts);
  const options = opts.options === undefined ? {} : readJson(opts.options, 'options');
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new RunUsageError('--options must hold a JSON object');
  const concurrency = opts.concurrency === undefined ? 8 : Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new RunUsageError('--concurrency takes a whole number from 1 to 256');
  const maxWait = opts['max-wait'] === undefined ? Infinity : parseDuration(opts['max-wait'], 'max-wait');
  const clientId = env.GENESYS_CLIENT_ID || '';
  const clientSecret = env.GENESYS_CLIENT_SECRET || '';
  if (Boolean(clientId) !== Boolean(clientSecret)) throw new RunUsageError('set both GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET, or neither');
  if (tgt && tgt.region && !clientId) throw new RunUsageError(`Genesys Cloud (${tgt.region}) needs OAuth: set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (a client-credentials OAuth client)`);
  const progress = new Progress(out, { json: Boolean(opts.json), tty: Boolean(out.isTTY), secret: clientSecret });
  const auth = new Auth(tgt ? tgt.token : null, clientId, clientSecret);
  const file = opts.queue;
  const readQ = () => readQueue(file, readJson);

  // 1. The requests join the queue file (under its lock): a request whose export is live
  // or already finished there is not added again, so running the same file resumes.
  let ids = null;
  if (opts.requests !== undefined) {
    const requests = readJson(opts.requests, 'requests');
    if (!Array.isArray(requests)) throw new RunUsageError('--requests must hold a JSON array of requests');
    const seen = new Set();
    const plain = requests.map((r, i) => {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new RunUsageError(`requests[${i}] is not an object`);
      const { id, ...request } = r;
      const name = id === undefined ? `#${i + 1}` : String(id);
      if (seen.has(name)) throw new RunUsageError(`requests[${i}]: the id '${name}' appears twice`);
      seen.add(name);
      return request;
    });
    const names = [...seen];
    const enqueue = (q) => eg.enqueueMany(q, plain, { ...pick(options, ['profile', 'timeZone', 'maxRangeDays']), now: Date.now(), repeatFinished: false });
    const result = opts['dry-run'] ? enqueue(readQ()) : await withQueueLock(file, () => {
      const r = enqueue(readQ());
      if (!r.results.some((x) => x.errors)) writeAtomic(file, r.queue);
      return r;
    });
    const bad = result.results.map((x, i) => [names[i], x]).filter(([, x]) => x.errors);
    if (bad.length) {
      for (const [name, x] of bad) for (const e of x.errors) progress.note(`request ${name}: ${e.code}${e.field ? ` at ${e.field}` : ''}: ${e.message}`);
      progress.note(`${bad.length} request(s) refused before any HTTP call; nothing was queued`);
      return RUN_EXIT.FAILED;
    }
    ids = names.map((n, i) => [n, result.results[i].item.key]);
    if (opts['dry-run']) {
      const step = eg.next(result.queue, null, { ...options, now: Date.now() });
      return dryRun(step, progress, opts.json);
    }
  } else if (opts['dry-run']) {
    return dryRun(eg.next(readQ(), null, { ...options, now: Date.now() }), progress, opts.json);
  }

  const keys = ids ? new Set(ids.map(([, k]) => k)) : null;
  const idOf = new Map((ids || []).map(([id, key]) => [key, id]));
  const finished = (queue) => {
    const items = ((queue && queue.items) || []);
    const live = items.filter((i) => i.state !== 'completed' && i.state !== 'failed' && (!keys || keys.has(i.key)));
    return live.length === 0;
  };
  const deadline = Date.now() + maxWait;
  const profiles = eg.profiles();

  // 2. The loop: list → next (leased, saved) → calls → record each answer as it comes.
  for (;;) {
    const current = readQ();
    if (finished(current)) break;
    const listed = await listActive(current, profiles, tgt.api, auth, eg, options.policy || null);
    if (listed.pause) {
      progress.note(`listing recording jobs answered ${listed.status}; trying again in ${Math.round(listed.pause / 1000)} s`);
      if (opts.once || Date.now() + listed.pause > deadline) break;
      await sleep(listed.pause);
      continue;
    }
    const step = await withQueueLock(file, () => {
      const s = eg.next(readQ(), listed.jobs, { ...options, now: Date.now() });
      writeAtomic(file, s.queue); // leased before the calls are made
      return s;
    });
    progress.step(step.counts, step.wakeAt);
    if (!step.actions.length) {
      if (step.wakeAt === null || opts.once) break;
      const wait = Math.max(10, Date.parse(step.wakeAt) - Date.now());
      if (Date.now() + wait > deadline) break;
      await sleep(wait);
      continue;
    }
    await pool(step.actions, concurrency, async (a) => {
      const answer = await call(tgt.api, auth, a.method, a.path, a.body);
      // Recorded and saved as soon as it arrives: a kill can lose at most the answers in flight.
      await withQueueLock(file, () => {
        let r;
        try {
          r = eg.record(readQ(), a.key, answer, { ...options, now: Date.now() });
        } catch (e) {
          if (!(e instanceof eg.ExportGuardError) || e.code !== 'STALE_ANSWER') throw e;
          progress.event({ at: new Date().toISOString(), event: 'stale', action: a.kind, key: a.key, id: idOf.get(a.key), reason: e.message });
          return;
        }
        writeAtomic(file, r.queue);
        progress.event({ at: new Date().toISOString(), event: r.event, action: r.action, key: a.key, id: idOf.get(a.key),
          state: r.item.state, jobId: r.item.jobId, status: answer.status, reason: r.item.reason });
      });
    });
    if (opts.once) break;
  }

  // 3. The summary and the exit code.
  const rows = rowsOf(readQ(), ids);
  const failed = rows.filter((r) => r.outcome === 'failed').length;
  const open = rows.filter((r) => r.outcome !== 'exported' && r.outcome !== 'failed').length;
  const code = failed ? RUN_EXIT.FAILED : open ? RUN_EXIT.WAITING : RUN_EXIT.EXPORTED;
  if (opts.json) {
    progress.write(JSON.stringify({ type: 'summary', exit: code, exported: rows.length - failed - open, failed, unfinished: open, tokens: auth.fetched, items: rows }));
  } else {
    progress.write(`\n${table(rows)}\n\n${rows.length - failed - open} exported, ${failed} failed, ${open} not finished` +
      (open && !opts.once ? ' (stopped at --max-wait; run again with the same --queue to continue)' : ''));
  }
  return code;
}

function pick(o, names) {
  const out = {};
  for (const n of names) if (o[n] !== undefined) out[n] = o[n];
  return out;
}

function dryRun(step, progress, json) {
  if (json) {
    for (const a of step.actions) progress.write(JSON.stringify({ type: 'action', ...a }));
  } else {
    progress.write(step.actions.length ? step.actions.map((a) => `${a.method} ${a.path}${a.body ? ` ${JSON.stringify(a.body)}` : ''}`).join('\n')
      : `nothing due now${step.wakeAt ? `; next at ${step.wakeAt}` : ''}`);
    progress.write(`(dry run: ${step.actions.length} call(s) shown, none made, the queue file unchanged)`);
  }
  return RUN_EXIT.EXPORTED;
}

/** The active jobs of the listable profiles among the live items (recording jobs). */
async function listActive(queue, profiles, api, auth, eg, policy) {
  const live = new Set(((queue && queue.items) || []).filter((i) => i.state !== 'completed' && i.state !== 'failed').map((i) => i.profile));
  const jobs = [];
  for (const p of profiles) {
    const listing = p.rules.listing.value;
    if (!listing || !live.has(p.name)) continue;
    for (const st of p.activeStatuses) {
      const query = new URLSearchParams({ ...listing.query, [listing.stateParam]: st });
      const res = await call(api, auth, listing.method, `${listing.path}?${query}`);
      if (res.status !== 200 || !res.body) {
        const v = eg.nextRetry(1, res, policy, { profile: p.name });
        return { pause: v.delayMs || 5000, status: res.status };
      }
      for (const v of res.body[listing.entitiesField] || []) {
        const cq = v.recordingJobsQuery && v.recordingJobsQuery.conversationQuery;
        jobs.push({ id: v.id, status: v.state, profile: p.name, interval: (cq && cq.interval) || '1970-01-01T00:00:00Z/1970-01-01T00:00:01Z' });
      }
    }
  }
  return { jobs, pause: 0 };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = { run, RunUsageError, RunError, RUN_EXIT, parseDuration, Progress };
