'use strict';
// `export-guard run`: the whole export job for CI, against Genesys or the simulator. It is
// the one driver loop (pkg/src/driver.js, `eg.Driver`) with three adapters: a store (a
// file, or PostgreSQL for a fleet of runners), the fetch transport with OAuth, and the
// real clock; plus what a person reads: progress, the waits explained, a summary.
const os = require('os');
const { FetchTransport, Auth } = require('./transport');
const { openStore } = require('./stores');
const { ResultsDir, safe } = require('./results');

/** Exit codes of `run`. */
const RUN_EXIT = { EXPORTED: 0, INTERNAL: 1, USAGE: 2, WAITING: 3, FAILED: 4 };

class RunUsageError extends Error {}
/** The run cannot go on: credentials refused, the API or the store unreachable. */
class RunError extends Error {}

/** Options of the run's requests (enqueue), not of the lifecycle (next and record). */
const ENQUEUE_ONLY = ['timeZone', 'maxRangeDays'];

/** "90s", "30m", "2h", "1d", "500ms" or a bare number of seconds, as milliseconds. */
function parseDuration(text, name) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(String(text).trim());
  if (!m) throw new RunUsageError(`--${name} takes a duration such as 90s, 30m, 2h or 1d, not '${text}'`);
  const unit = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 }[m[2] || 's'];
  return Math.round(Number(m[1]) * unit);
}

/**
 * Where to send calls: --base-url (the simulator, a proxy) or --region (a Genesys Cloud
 * region domain: https://api.<region>, tokens from https://login.<region>/oauth/token),
 * or EXPORT_GUARD_BASE_URL / GENESYS_REGION. --login-url may be the token URL itself or
 * the host that serves /oauth/token.
 */
function target(opts, env) {
  const base = opts['base-url'] !== undefined ? opts['base-url'] : opts.region === undefined ? env.EXPORT_GUARD_BASE_URL || undefined : undefined;
  const region = opts.region !== undefined ? opts.region : base === undefined ? env.GENESYS_REGION || undefined : undefined;
  if (opts['base-url'] !== undefined && opts.region !== undefined) {
    throw new RunUsageError('give one target: --base-url URL or --region DOMAIN, not both');
  }
  if (!base && !region) {
    throw new RunUsageError('no target: give --base-url URL or --region DOMAIN (e.g. mypurecloud.com), or set EXPORT_GUARD_BASE_URL or GENESYS_REGION');
  }
  const tokenAt = (host) => {
    const t = String(host).replace(/\/$/, '');
    return /\/oauth\/token$/.test(t) ? t : `${t}/oauth/token`;
  };
  if (region) {
    const r = String(region).replace(/^https?:\/\//, '').replace(/^(api|login)\./, '').replace(/\/.*$/, '');
    if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(r)) throw new RunUsageError(`--region takes a domain such as mypurecloud.com, not '${region}'`);
    return { api: `https://api.${r}`, token: tokenAt(opts['login-url'] || `https://login.${r}`), region: r };
  }
  let url;
  try {
    url = new URL(base);
  } catch {
    throw new RunUsageError(`--base-url is not a URL: '${base}'`);
  }
  const api = url.href.replace(/\/$/, '');
  return { api, token: tokenAt(opts['login-url'] || api), region: null };
}

/** Progress: plain lines (or JSON lines), and on a terminal one live line of counts. */
class Progress {
  constructor(out, { json, tty, secret }) {
    this.out = out;
    this.json = json;
    this.tty = tty && !json;
    this.secret = secret;
    this.live = false;
    this.waits = new Map(); // key -> the wait last told
    this.lastCounts = '';
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

  emit(e) {
    if (this.json) this.write(JSON.stringify(e));
  }

  /** An answer recorded: one line, but for polls that changed nothing. */
  event(e) {
    if (this.json) return this.emit({ type: 'event', ...e });
    if (e.event === 'running' || e.event === 'listed' || e.event === 'page') return;
    const what = [e.at.replace(/\.\d+Z$/, 'Z'), e.event.padEnd(9), e.id || e.key];
    if (e.jobId) what.push(`job ${e.jobId}`);
    if (e.state && e.state !== e.event) what.push(e.state);
    if (e.reason && e.event !== 'completed' && e.event !== 'submitted') what.push(`(${e.reason})`);
    if (!this.tty || e.event === 'failed' || e.event === 'completed' || e.event === 'denied') this.write(what.join(' '));
  }

  /**
   * Why items wait: told when it changes, not at every step. `partOf(key)` names a bulk
   * request's part (`{ id, index, count }`): its parts that start waiting for the same
   * reason at once are told in one line ("year parts 6-12 of 12: ...").
   */
  waiting(at, entries, idOf, partOf = () => undefined) {
    const now = new Set();
    const told = new Map(); // line head -> { text, parts: [index], count }
    for (const w of entries) {
      now.add(w.key);
      const said = this.waits.get(w.key);
      if (said === w.text) continue;
      this.waits.set(w.key, w.text);
      if (this.json) {
        this.emit({ type: 'wait', at, key: w.key, id: idOf(w.key), reason: w.reason, text: w.text });
        continue;
      }
      const part = partOf(w.key);
      const head = part ? `${part.id}\0${w.text}` : `\0${w.key}`;
      if (!told.has(head)) told.set(head, { text: w.text, id: part ? part.id : idOf(w.key) || w.key, count: part && part.count, parts: [] });
      if (part) told.get(head).parts.push(part.index);
    }
    if (!this.json && !this.tty) {
      for (const t of told.values()) {
        const who = t.parts.length > 1 ? `${t.id} parts ${ranges(t.parts)} of ${t.count}` : t.parts.length ? `${t.id} part ${t.parts[0]}/${t.count}` : t.id;
        this.write(`${at.replace(/\.\d+Z$/, 'Z')} waiting   ${who}: ${t.text}`);
      }
    }
    for (const k of [...this.waits.keys()]) if (!now.has(k)) this.waits.delete(k);
  }

  /** The live line (a terminal) or a counts event when they changed (--json). */
  step(counts, wakeAt, calls) {
    const parts = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
    if (this.json) {
      if (parts === this.lastCounts) return;
      this.lastCounts = parts;
      return this.emit({ type: 'counts', at: new Date().toISOString(), counts });
    }
    if (!this.tty) return;
    const next = calls ? `; ${calls} call(s) now` : wakeAt ? `; next call at ${wakeAt.replace(/\.\d+Z$/, 'Z')}` : '';
    this.out.write(`\r\x1b[2K${this.clean(`${parts || 'empty'}${next}`)}`);
    this.live = true;
  }

  note(text) {
    if (this.json) return this.emit({ type: 'note', at: new Date().toISOString(), message: this.clean(text) });
    this.write(text);
  }
}

/** Whole numbers as ranges: [1, 2, 3, 5] -> "1-3, 5". */
function ranges(ns) {
  const sorted = [...ns].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return out.join(', ');
}

/** The summary table (plain text). */
function table(rows) {
  const head = ['id', 'profile', 'range', 'channels', 'job id', 'outcome', 'attempts'];
  const cells = rows.map((r) => [r.id, r.profile, `${r.start}/${r.end}`, r.channels.join(','), r.jobId || (r.parts ? `${r.parts.count} parts` : '-'),
    r.outcome + (r.parts && r.outcome !== 'exported' ? ` (${r.parts.exported} of ${r.parts.count} parts exported, ${r.parts.failed} failed)` : '') +
    (r.doubts ? ' (may have run twice)' : '') + (r.reason && r.outcome !== 'exported' ? `: ${r.reason}` : ''), String(r.attempts)]);
  const width = head.map((h, i) => Math.min(60, Math.max(h.length, ...cells.map((c) => c[i].length))));
  const line = (c) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(width[i]))).join('  ');
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** One summary row of an item. */
function rowOf(id, item) {
  return {
    id, key: item.key, profile: item.profile, start: item.start, end: item.end, channels: item.channels, jobId: item.jobId || null,
    outcome: item.outcome === 'open' ? `not finished (${item.state})` : item.outcome,
    reason: item.reason || (item.waiting && item.waiting.text) || null, attempts: item.attempts, doubts: item.doubts || 0,
  };
}

/**
 * One summary row of a bulk request over its parts' items (in time order): exported when
 * every part is, failed when every part is final and one failed, else not finished; the
 * reason is the first failed (or waiting) part's.
 */
function bulkRowOf(id, items) {
  const n = (o) => items.filter((i) => i.outcome === o).length;
  const parts = { count: items.length, exported: n('exported'), failed: n('failed'), open: n('open') };
  const outcome = parts.exported === parts.count ? 'exported' : parts.open === 0 ? 'failed' : 'not finished';
  const telling = items.find((i) => i.outcome === 'failed') || items.find((i) => i.outcome === 'open');
  const reason = telling && (telling.reason || (telling.waiting && telling.waiting.text));
  return {
    id, key: items[0].part ? items[0].part.of : items[0].key, profile: items[0].profile, start: items[0].start, end: items[items.length - 1].end,
    channels: items[0].channels, jobId: null, outcome, parts,
    reason: reason ? `part ${items.indexOf(telling) + 1}/${items.length}: ${reason}` : null,
    attempts: items.reduce((a, i) => a + i.attempts, 0), doubts: items.reduce((a, i) => a + (i.doubts || 0), 0),
  };
}

/**
 * The run's rows from inspectQueue: its requests (each `[id, keys]`, the keys of its
 * parts), or every newest item per key.
 */
function rowsOf(inspected, ids) {
  const newest = new Map();
  for (const item of inspected.items) newest.set(item.key, item);
  if (!ids) return [...newest.values()].map((i) => rowOf(String(i.seq), i));
  return ids.map(([id, keys]) => {
    const items = keys.map((k) => newest.get(k)).filter(Boolean);
    if (!items.length) return null;
    return keys.length === 1 ? rowOf(id, items[0]) : bulkRowOf(id, items);
  }).filter(Boolean);
}

/** Promise form of a driver callback. */
function promise(fn) {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
}

/** Options of next/record from the run's options file. */
function lifecycleOptions(options) {
  const o = { ...options };
  for (const k of ENQUEUE_ONLY) delete o[k];
  return o;
}

/**
 * `export-guard run`. `readJson(file, what)` reads a JSON file or stdin; `eg` is the
 * library; `out` the stream for progress and the summary. Resolves to the exit code.
 */
async function run(opts, eg, { readJson, out = process.stdout, env = process.env } = {}) {
  const spec = opts.store !== undefined ? opts.store : opts.queue !== undefined ? opts.queue : env.EXPORT_GUARD_STORE || undefined;
  if (spec === undefined) throw new RunUsageError('--store is required (a queue file, or postgres://...; run again with it to resume), or set EXPORT_GUARD_STORE');
  const options = opts.options === undefined ? {} : readJson(opts.options, 'options');
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new RunUsageError('--options must hold a JSON object');
  const concurrency = opts.concurrency === undefined ? 8 : Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new RunUsageError('--concurrency takes a whole number from 1 to 256');
  const maxWait = opts['max-wait'] === undefined ? Infinity : parseDuration(opts['max-wait'], 'max-wait');
  const giveUpAfter = parseDuration(opts['give-up-after'] === undefined ? '5m' : opts['give-up-after'], 'give-up-after');
  const dry = Boolean(opts['dry-run']);
  if (options.fetchResults !== undefined && opts.results === undefined) throw new RunUsageError('fetchResults is set by --results DIR (where the pages go), not in --options');
  const resultsDir = opts.results === undefined || dry ? null : new ResultsDir(opts.results);
  const tgt = dry && opts['base-url'] === undefined && opts.region === undefined && !env.EXPORT_GUARD_BASE_URL && !env.GENESYS_REGION ? null : target(opts, env);
  const clientId = env.GENESYS_CLIENT_ID || '';
  const clientSecret = env.GENESYS_CLIENT_SECRET || '';
  if (Boolean(clientId) !== Boolean(clientSecret)) throw new RunUsageError('set both GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET, or neither');
  if (tgt && tgt.region && !clientId) throw new RunUsageError(`Genesys Cloud (${tgt.region}) needs OAuth: set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (a client-credentials OAuth client)`);
  const progress = new Progress(out, { json: Boolean(opts.json), tty: Boolean(out.isTTY), secret: clientSecret });
  // The store waits for a server that went away with the run's backoff policy (the core's schedule).
  const waits = eg.schedule({ ...(options.policy || {}), maxAttempts: 100, jitter: 'none' }).steps.map((st) => st.delayMs);
  // A runner may start while its server restarts: it waits a minute for it (and ten for
  // one it reached before) before it gives up.
  const store = openStore(spec, { readJson, onNote: (t) => progress.note(t), delays: (n) => waits[Math.min(n, waits.length) - 1], firstConnectMs: 60000 });
  try {
    return await drive();
  } finally {
    await store.close();
  }

  async function drive() {
    const base = { ...lifecycleOptions(options), clientId: clientId || undefined, runnerId: `${os.hostname()}:${process.pid}` };
    if (opts.results !== undefined) base.fetchResults = true;
    // 1. The requests join the queue (under its claim): a request whose export is live or
    // already finished there is not added again, so running the same file resumes.
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
      if (resultsDir) {
        // Each request's results file is named by its id: two ids must not name one file
        // (on a filesystem that ignores case either).
        const files = new Map();
        for (const n of names) {
          const file = `${safe(n)}.ndjson`.toLowerCase();
          if (files.has(file)) throw new RunUsageError(`the ids '${files.get(file)}' and '${n}' would both write their results to ${safe(n)}.ndjson in --results; give them ids that differ in letters or digits`);
          files.set(file, n);
        }
      }
      const enqueueOptions = { ...pick(options, ['profile', 'timeZone', 'maxRangeDays']), now: Date.now(), repeatFinished: false };
      const enqueue = (q) => eg.enqueueMany(q, plain, enqueueOptions);
      const result = dry ? enqueue(await store.read()) : await store.updateAsync((q) => {
        const r = enqueue(q);
        return { queue: r.results.some((x) => x.errors) ? null : r.queue, value: r };
      });
      const bad = result.results.map((x, i) => [names[i], x]).filter(([, x]) => x.errors);
      if (bad.length) {
        for (const [name, x] of bad) for (const e of x.errors) progress.note(`request ${name}: ${e.code}${e.field ? ` at ${e.field}` : ''}: ${e.message}`);
        progress.note(`${bad.length} request(s) refused before any HTTP call; nothing was queued`);
        return RUN_EXIT.FAILED;
      }
      // A bulk request's parts are its keys.
      ids = names.map((n, i) => {
        const x = result.results[i];
        return [n, x.parts ? x.parts.map((p) => p.item.key) : [x.item.key]];
      });
      if (dry) return dryRun(eg, result.queue, { ...base, now: Date.now() }, ids, progress, opts.json);
    } else if (dry) {
      return dryRun(eg, await store.read(), { ...base, now: Date.now() }, null, progress, opts.json);
    }
    const idOf = new Map();
    const parts = new Map();
    for (const [id, keys] of ids || []) {
      keys.forEach((key, i) => {
        if (idOf.has(key)) return;
        idOf.set(key, keys.length > 1 ? `${id} part ${i + 1}/${keys.length}` : id);
        if (keys.length > 1) parts.set(key, { id, index: i + 1, count: keys.length });
      });
    }
    const name = (key) => idOf.get(key);
    const lifecycle = { ...base };
    if (ids) lifecycle.watch = [...new Set(ids.flatMap(([, keys]) => keys))];

    // 2. A resumed run says what an earlier one left in flight.
    const before = eg.inspectQueue(await store.read(), null, { ...lifecycle, now: Date.now() });
    const inFlight = before.items.filter((i) => i.lease && !i.final);
    if (inFlight.length) {
      const unlistable = inFlight.filter((i) => i.lease.action === 'submit' && i.profile !== 'recordingJobs');
      progress.note(`resuming: ${inFlight.length} call(s) of an earlier run were in flight` +
        (unlistable.length ? `; ${unlistable.length} submit(s) of profiles Genesys cannot list will be made again when their leases expire ` +
          `(at-least-once: those exports may run twice: ${unlistable.map((i) => name(i.key) || i.key).join(', ')})` : ''));
    }

    // 3. The loop.
    const auth = new Auth(tgt.token, clientId, clientSecret);
    const transport = new FetchTransport(tgt.api, auth);
    let silentSince = null;
    let silence = '';
    const driver = new eg.Driver({
      store,
      transport,
      clock: { now: () => Date.now(), sleep: (ms, cb) => setTimeout(cb, ms) },
      options: lifecycle,
      concurrency,
      sink: resultsDir && ((action, r) => resultsDir.write(action, r)),
      onEvent(e) {
        const at = new Date().toISOString();
        if (e.type === 'next') {
          progress.step(e.step.counts, e.step.wakeAt, e.step.actions.length);
          progress.waiting(at, e.step.waiting, name, (key) => parts.get(key));
          return;
        }
        if (e.type === 'stale') return progress.event({ at, event: 'stale', action: e.action.kind, key: e.action.key, id: name(e.action.key), reason: e.error.message });
        const r = e.result;
        const last = r.item ? r.item.lastAnswer : r.listing && r.listing.lastAnswer;
        if (last && last.status === 0) {
          silentSince = silentSince || Date.now();
          silence = last.summary;
        } else {
          silentSince = null;
        }
        if (r.item) {
          progress.event({ at, event: r.event, action: r.action, key: r.item.key, id: name(r.item.key), state: r.item.state,
            jobId: r.item.jobId, status: last && last.status, reason: r.item.reason });
        } else {
          progress.event({ at, event: r.event, action: 'list', key: r.listing.key, status: last && last.status, reason: r.reason });
        }
      },
    });
    const deadline = Date.now() + maxWait;
    const end = await promise((cb) => driver.run({
      deadline,
      once: Boolean(opts.once),
      until: () => (silentSince !== null && Date.now() - silentSince > giveUpAfter ? 'unreachable' : null),
    }, cb));

    // 4. Why it stopped, the summary and the exit code.
    let fatal = null;
    if (end.stop === 'denied') {
      const r = end.denied;
      const why = (r.item && r.item.reason) || r.reason || 'the API refused the call';
      fatal = `${why}${!clientId && /^401/.test(why) ? '; set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (a client-credentials OAuth client)' : ''}`;
    } else if (end.stop === 'unreachable') {
      fatal = `the API at ${tgt.api} has given no answer for ${Math.round(giveUpAfter / 1000)} s (${silence}); stopped (--give-up-after)`;
    }
    const inspected = eg.inspectQueue(await store.read(), null, { ...lifecycle, now: Date.now() });
    const rows = rowsOf(inspected, ids);
    const files = resultsDir ? writeResults(resultsDir, inspected, ids) : [];
    const where = deliveries(rows, options, Boolean(resultsDir));
    const failed = rows.filter((r) => r.outcome === 'failed').length;
    const open = rows.filter((r) => r.outcome !== 'exported' && r.outcome !== 'failed').length;
    const doubts = rows.filter((r) => r.doubts > 0);
    const code = fatal ? RUN_EXIT.INTERNAL : failed ? RUN_EXIT.FAILED : open ? RUN_EXIT.WAITING : RUN_EXIT.EXPORTED;
    if (opts.json) {
      progress.write(JSON.stringify({ type: 'summary', exit: code, stop: end.stop, error: fatal, exported: rows.length - failed - open, failed,
        unfinished: open, mayHaveRunTwice: doubts.map((r) => r.id), tokens: auth.fetched, items: rows, results: files, deliveries: where }));
    } else {
      progress.write(`\n${table(rows)}\n\n${rows.length - failed - open} exported, ${failed} failed, ${open} not finished` +
        (open && !fatal && !opts.once ? (end.stop === 'deadline' ? ' (stopped at --max-wait; run again with the same --store to continue)'
          : ' (nothing more is due for this runner: see why in the table; run again with the same --store to continue)') : '') +
        (doubts.length ? `\nmay have run twice (an answer lost on a profile Genesys cannot list): ${doubts.map((r) => r.id).join(', ')}` : '') +
        where.map((d) => `\n${d.text}`).join('') +
        files.map((f) => (f.file ? `\nresults of ${f.id}: ${f.file} (${f.records} conversation(s), each once)` : `\nresults of ${f.id}: not written yet: ${f.missing}`)).join(''));
      if (fatal) progress.write(`export-guard: ${fatal}`);
    }
    return code;
  }
}

/**
 * Where each exported profile's data is, in words: Genesys keeps or delivers it, and
 * export-guard downloads only details jobs' results (with --results).
 */
function deliveries(rows, options, downloading) {
  const exported = new Set(rows.filter((r) => r.outcome === 'exported' || (r.parts && r.parts.exported)).map((r) => r.profile));
  const out = [];
  if (exported.has('recordingJobs')) {
    out.push({ profile: 'recordingJobs', integrationId: options.integrationId || null,
      text: `recording exports: Genesys delivers them to integration ${options.integrationId || '(the integrationId of each request)'} (its S3 bucket); export-guard does not download them` });
  }
  if (exported.has('conversationDetailsJobs') && !downloading) {
    out.push({ profile: 'conversationDetailsJobs',
      text: 'details jobs: their results stay at Genesys until each job\'s expirationDate (GET /api/v2/analytics/conversations/details/jobs/{jobId}/results); export-guard downloads them when the run has --results DIR from the start (it fetches each job\'s pages before the job counts as done)' });
  }
  if (exported.has('evaluationExports')) {
    out.push({ profile: 'evaluationExports',
      text: 'evaluation exports: the job\'s answer (as the community describes it) names only its id and status; the job ids are in the table above' });
  }
  return out;
}

/**
 * `--results`: one NDJSON file per request of the run (or, resuming without --requests,
 * per request in the queue) whose profile has results to fetch.
 */
function writeResults(dir, inspected, ids) {
  const newest = new Map();
  for (const item of inspected.items) newest.set(item.key, item);
  let groups = ids;
  if (!groups) {
    const by = new Map();
    for (const item of newest.values()) {
      const id = item.part ? item.part.of : item.key;
      if (!by.has(id)) by.set(id, []);
      by.get(id).push(item);
    }
    groups = [...by].map(([id, items]) => [id, items.sort((a, b) => (a.part ? a.part.index : 0) - (b.part ? b.part.index : 0)).map((i) => i.key)]);
  }
  const out = [];
  for (const [id, keys] of groups) {
    const items = keys.map((k) => newest.get(k)).filter(Boolean);
    if (!items.length || items[0].profile !== 'conversationDetailsJobs') continue;
    out.push({ id, ...dir.assemble(id, items) });
  }
  return out;
}

function pick(o, names) {
  const out = {};
  for (const n of names) if (o[n] !== undefined) out[n] = o[n];
  return out;
}

/** --dry-run: every request (each part of a bulk one) with what the next step would do with it; nothing sent or saved. */
function dryRun(eg, queue, options, ids, progress, json) {
  const step = eg.next(queue, null, options);
  const inspected = eg.inspectQueue(queue, null, options);
  const byKey = new Map(step.actions.map((a) => [a.key, a]));
  const newest = new Map(inspected.items.map((i) => [i.key, i]));
  // [name, key] per part: a bulk request's parts are named "id part i/n".
  const lines = ids ? ids.flatMap(([id, keys]) => keys.map((k, i) => [keys.length > 1 ? `${id} part ${i + 1}/${keys.length}` : id, k]))
    : [...newest.keys()].map((k) => [String(newest.get(k).seq), k]);
  if (json) {
    for (const a of step.actions) progress.write(JSON.stringify({ type: 'action', ...a }));
    for (const [id, key] of lines) {
      const item = newest.get(key);
      progress.write(JSON.stringify({ type: 'request', id, key, outcome: item ? item.outcome : null, action: byKey.has(key) ? byKey.get(key).kind : null,
        waiting: item && item.waiting ? item.waiting : null }));
    }
    return RUN_EXIT.EXPORTED;
  }
  for (const a of step.actions.filter((x) => x.kind === 'list')) progress.write(`${a.method} ${a.path}`);
  for (const [id, key] of lines) {
    const a = byKey.get(key);
    const item = newest.get(key);
    const what = a ? `${a.method} ${a.path}${a.body ? ` ${JSON.stringify(a.body)}` : ''}`
      : item && item.waiting ? `waits: ${item.waiting.text}` : item ? item.outcome : 'not in the queue';
    progress.write(`${id}: ${what}`);
  }
  progress.write(`(dry run: ${step.actions.length} call(s) shown, none made, the queue unchanged)`);
  return RUN_EXIT.EXPORTED;
}

module.exports = { run, RunUsageError, RunError, RUN_EXIT, parseDuration, Progress, target };
