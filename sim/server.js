#!/usr/bin/env node
'use strict';
const { parseOptions } = require('./args');
/**
 * A Genesys-like stand-in on loopback, for load runs and for testing integrations offline.
 *
 * It implements the three endpoint families export-guard knows, with the rules that make
 * parallel exports fail in real life:
 *  - evaluation exports (community-described): an active job (QUEUED / IN_PROGRESS)
 *    locks its date range, and an overlapping POST gets 409;
 *  - recording jobs (documented): at most 2 PENDING / PROCESSING jobs per organisation;
 *    beyond that, 429 (the real status code is not documented: configurable);
 *  - conversation details jobs (documented): a configurable number of active jobs;
 *  - on every endpoint: 429 with Retry-After in seconds beyond a request rate per client,
 *    random transient 503s, 400 for a payload without an explicit channel filter, 404 for
 *    unknown jobs (also for jobs lost in a restart).
 * Jobs move through their states on a simulated clock (see clock.js) and can FAIL at a
 * configurable rate. Every request and job transition is logged as JSON, and completed
 * exports are audited so a run can be checked for losses and duplicates.
 *
 * Node standard library only. Run it alone with `node sim/server.js --help`.
 */
const http = require('http');
const fs = require('fs');
const { SimClock, rng } = require('./clock');
const { VALIDATORS, BadRequest } = require('./validate');

/** The endpoint families, as the API names their paths, ids and states. */
const PROFILES = {
  evaluationExports: {
    path: '/api/v2/quality/evaluationexports',
    idField: 'id',
    statusField: 'status',
    states: ['QUEUED', 'IN_PROGRESS', 'COMPLETED'],
    lock: 'range',
  },
  conversationDetailsJobs: {
    path: '/api/v2/analytics/conversations/details/jobs',
    idField: 'jobId',
    statusField: 'state',
    states: ['QUEUED', 'PENDING', 'FULFILLED'],
    lock: 'conversationMaxActive',
  },
  recordingJobs: {
    path: '/api/v2/recording/jobs',
    idField: 'id',
    statusField: 'state',
    states: ['PENDING', 'PROCESSING', 'FULFILLED'],
    lock: 'recordingMaxActive',
  },
};

/** Defaults; every duration is in simulated milliseconds. */
const DEFAULTS = {
  scale: 100,
  seed: 1,
  queuedMs: 5000,
  runMs: 20000,
  durationJitter: 0.5,
  failRate: 0,
  transient503Rate: 0,
  rateLimit: { requests: 3000, windowMs: 60000 },
  retryAfterSeconds: null,
  recordingMaxActive: 2,
  recordingLimitStatus: 429,
  conversationMaxActive: 5,
  restartDowntimeMs: 3000,
  touchingConflicts: false,
  maxBodyBytes: 512000,
  logFile: null,
  keepLog: true,
};

const iso = (ms) => new Date(ms).toISOString();

/** The audit key of an export: what "the same export" means for duplicates. */
function exportKey(profile, start, end, channels) {
  return `${profile}|${iso(start)}/${iso(end)}|${channels.join(',')}`;
}

/**
 * Creates a simulator (not yet listening). Options: see DEFAULTS; `clock` may be a
 * shared SimClock. Returns an object with start(port), stop(), restart(), configure(),
 * log, audit() and the clock.
 */
function createSimulator(options = {}) {
  const unknown = Object.keys(options).filter((k) => !(k in DEFAULTS) && k !== 'clock');
  if (unknown.length) throw new TypeError(`unknown simulator option(s): ${unknown.join(', ')}`);
  const cfg = { ...DEFAULTS, ...options };
  delete cfg.clock;
  const clock = options.clock || new SimClock({ scale: cfg.scale });
  const random = rng(cfg.seed);
  const logStream = cfg.logFile ? fs.createWriteStream(cfg.logFile, { flags: 'w' }) : null;
  const log = [];
  const jobs = new Map(); // id -> job
  const exportsDone = []; // audit of completed exports
  const windows = new Map(); // client -> { start, count }
  let nextId = 1;
  let restarts = 0;
  let downUntil = -Infinity;
  let server = null;

  function record(entry) {
    const e = { t: iso(entry.at === undefined ? clock.now() : entry.at), ...entry };
    delete e.at;
    if (cfg.keepLog) log.push(e);
    if (logStream) logStream.write(JSON.stringify(e) + '\n');
  }

  function active(job) {
    const st = PROFILES[job.profile].states;
    return job.status === st[0] || job.status === st[1];
  }

  /** Moves every job to the state it has reached by `now`, logging each transition at its own time. */
  function advance(now = clock.now()) {
    for (const job of jobs.values()) {
      if (!active(job)) continue;
      const st = PROFILES[job.profile].states;
      if (job.status === st[0] && now >= job.runsAt) {
        record({ at: job.runsAt, type: 'job', id: job.id, profile: job.profile, key: job.key, from: st[0], to: st[1] });
        job.status = st[1];
      }
      if (job.status === st[1] && now >= job.endsAt) {
        const to = job.fails ? 'FAILED' : st[2];
        record({ at: job.endsAt, type: 'job', id: job.id, profile: job.profile, key: job.key, from: st[1], to });
        job.status = to;
        if (!job.fails) {
          exportsDone.push({ id: job.id, profile: job.profile, key: job.key, client: job.client, at: iso(job.endsAt) });
          record({ at: job.endsAt, type: 'export', id: job.id, profile: job.profile, key: job.key });
        }
      }
    }
  }

  function view(job) {
    const p = PROFILES[job.profile];
    const v = { [p.idField]: job.id, id: job.id, profile: job.profile, [p.statusField]: job.status };
    if (job.profile === 'evaluationExports') {
      v.start_date = iso(job.start);
      v.end_date = iso(job.end);
    } else {
      v.interval = `${iso(job.start)}/${iso(job.end)}`;
    }
    v.channels = job.channels;
    v.createdDate = iso(job.createdAt);
    if (job.status === 'FAILED') v.errorMessage = 'the export failed on the server (simulated)';
    return v;
  }

  function duration(ms) {
    return Math.round(ms * (1 - cfg.durationJitter / 2 + random() * cfg.durationJitter));
  }

  /** The lock rules: null when the job may start, else [status, body, headers]. */
  function lockRefusal(profile, range) {
    const p = PROFILES[profile];
    const live = [...jobs.values()].filter((j) => j.profile === profile && active(j));
    if (p.lock === 'range') {
      const hit = live.filter((j) => (cfg.touchingConflicts
        ? j.start <= range.end && range.start <= j.end
        : j.start < range.end && range.start < j.end));
      if (!hit.length) return null;
      return [409, { status: 409, code: 'conflict', message: `the date range overlaps active export(s) ${hit.map((j) => j.id).join(', ')}`,
        conflictingJobIds: hit.map((j) => j.id) }, {}];
    }
    const max = cfg[p.lock];
    if (live.length < max) return null;
    const status = profile === 'recordingJobs' ? cfg.recordingLimitStatus : 429;
    const headers = status === 429 ? { 'Retry-After': String(cfg.retryAfterSeconds === null ? 10 : cfg.retryAfterSeconds) } : {};
    return [status, { status, code: status === 429 ? 'too.many.requests.retry.after' : 'conflict',
      message: `at most ${max} ${profile} may be active at once; ${live.length} are` }, headers];
  }

  /** Fixed-window rate limit per client: null, or the Retry-After in seconds. */
  function rateLimited(client, now) {
    if (!cfg.rateLimit) return null;
    const { requests, windowMs } = cfg.rateLimit;
    let w = windows.get(client);
    if (!w || now >= w.start + windowMs) {
      w = { start: now, count: 0 };
      windows.set(client, w);
    }
    w.count += 1;
    if (w.count <= requests) return null;
    if (cfg.retryAfterSeconds !== null) return cfg.retryAfterSeconds;
    return Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
  }

  function create(profile, range, body, client, now) {
    const id = `${profile === 'evaluationExports' ? 'ee' : profile === 'recordingJobs' ? 'rj' : 'cd'}-${restarts}-${nextId++}`;
    const st = PROFILES[profile].states;
    const runsAt = now + duration(cfg.queuedMs);
    const job = { id, profile, client, start: range.start, end: range.end, channels: range.channels,
      key: exportKey(profile, range.start, range.end, range.channels), createdAt: now, runsAt,
      endsAt: runsAt + duration(cfg.runMs), fails: random() < cfg.failRate, status: st[0], body };
    jobs.set(id, job);
    record({ at: now, type: 'job', id, profile, key: job.key, from: null, to: st[0] });
    return job;
  }

  function route(method, url) {
    for (const [name, p] of Object.entries(PROFILES)) {
      if (url.pathname === p.path) return { profile: name, id: null };
      if (url.pathname.startsWith(p.path + '/')) {
        const id = decodeURIComponent(url.pathname.slice(p.path.length + 1));
        if (id && !id.includes('/')) return { profile: name, id };
      }
    }
    return null;
  }

  function handleApi(req, url, body, client) {
    const now = clock.now();
    advance(now);
    if (now < downUntil) return [503, { status: 503, code: 'service.unavailable', message: 'the service is restarting' }, {}];
    const r = route(req.method, url);
    if (!r) return [404, { status: 404, code: 'not.found', message: `no route ${req.method} ${url.pathname}` }, {}];
    const retryAfter = rateLimited(client, now);
    if (retryAfter !== null) {
      return [429, { status: 429, code: 'too.many.requests.retry.after', message: `rate limit exceeded; retry after ${retryAfter} s` },
        { 'Retry-After': String(retryAfter) }];
    }
    if (cfg.transient503Rate > 0 && random() < cfg.transient503Rate) {
      return [503, { status: 503, code: 'service.unavailable', message: 'transient failure (simulated)' }, {}];
    }
    if (req.method === 'GET' && r.id !== null) {
      const job = jobs.get(r.id);
      if (!job || job.profile !== r.profile) return [404, { status: 404, code: 'not.found', message: `job ${r.id} does not exist` }, {}];
      return [200, view(job), {}];
    }
    if (req.method === 'GET') {
      const onlyActive = url.searchParams.get('active') === 'true';
      const entities = [...jobs.values()].filter((j) => j.profile === r.profile && (!onlyActive || active(j))).map(view);
      return [200, { entities, total: entities.length }, {}];
    }
    if (req.method !== 'POST' || r.id !== null) {
      return [405, { status: 405, code: 'method.not.allowed', message: `${req.method} is not supported here` }, {}];
    }
    let payload;
    try {
      payload = JSON.parse(body);
    } catch (e) {
      return [400, { status: 400, code: 'bad.request', message: `the body is not JSON: ${e.message}` }, {}];
    }
    let range;
    try {
      range = VALIDATORS[r.profile](payload);
    } catch (e) {
      if (!(e instanceof BadRequest)) throw e;
      return [400, { status: 400, code: 'bad.request', message: e.message }, {}];
    }
    const refusal = lockRefusal(r.profile, range);
    if (refusal) return refusal;
    const job = create(r.profile, range, payload, client, now);
    return [202, view(job), {}];
  }

  function handleAdmin(req, url) {
    if (url.pathname === '/sim/health') return [200, { ok: true, now: clock.iso(), scale: clock.scale, restarts }, {}];
    if (url.pathname === '/sim/audit') return [200, audit(), {}];
    if (url.pathname === '/sim/log') return [200, log, {}];
    if (url.pathname === '/sim/restart' && req.method === 'POST') return [200, restart(), {}];
    return [404, { status: 404, code: 'not.found', message: `no route ${req.method} ${url.pathname}` }, {}];
  }

  function onRequest(req, res) {
    const chunks = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c) => {
      size += c.length;
      if (size > cfg.maxBodyBytes) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      const client = String(req.headers['x-client-id'] || req.headers.authorization || 'anonymous');
      let status;
      let body;
      let headers;
      try {
        if (tooBig) {
          [status, body, headers] = [413, { status: 413, code: 'payload.too.large', message: `the body exceeds ${cfg.maxBodyBytes} bytes` }, {}];
        } else if (url.pathname.startsWith('/sim/')) {
          [status, body, headers] = handleAdmin(req, url);
        } else {
          [status, body, headers] = handleApi(req, url, Buffer.concat(chunks).toString('utf8'), client);
        }
      } catch (e) {
        [status, body, headers] = [500, { status: 500, code: 'internal.error', message: String(e && e.stack) }, {}];
      }
      if (!url.pathname.startsWith('/sim/')) {
        record({ type: 'request', client, method: req.method, path: url.pathname + url.search, status,
          id: status === 202 ? body.id : undefined, code: status >= 400 ? body.code : undefined,
          retryAfter: headers['Retry-After'] });
      }
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
      res.end(text);
    });
  }

  /** Loses every active job (the service's memory), keeps finished ones, and is down for a while. */
  function restart() {
    const now = clock.now();
    advance(now);
    const lost = [];
    for (const job of jobs.values()) {
      if (active(job)) {
        lost.push(job.id);
        jobs.delete(job.id);
        record({ at: now, type: 'job', id: job.id, profile: job.profile, key: job.key, from: job.status, to: 'LOST' });
      }
    }
    windows.clear();
    restarts += 1;
    downUntil = now + cfg.restartDowntimeMs;
    record({ at: now, type: 'restart', lost });
    return { restarts, lost };
  }

  /** Completed exports, and the keys exported more than once. */
  function audit() {
    advance();
    const counts = new Map();
    for (const e of exportsDone) counts.set(e.key, (counts.get(e.key) || 0) + 1);
    const duplicates = [...counts].filter(([, n]) => n > 1).map(([key, n]) => ({ key, count: n }));
    return { exports: exportsDone.slice(), duplicates, restarts };
  }

  let ticker = null;
  return {
    clock,
    /** Counts so far: jobs created, jobs active now, restarts. */
    stats() {
      advance();
      return { created: nextId - 1, active: [...jobs.values()].filter(active).length, restarts };
    },
    log,
    audit,
    restart,
    advance,
    /** Changes options while running (e.g. a fault: { retryAfterSeconds: 120 }). */
    configure(patch) {
      const bad = Object.keys(patch).filter((k) => !(k in DEFAULTS));
      if (bad.length) throw new TypeError(`unknown simulator option(s): ${bad.join(', ')}`);
      Object.assign(cfg, patch);
    },
    /** Starts listening on 127.0.0.1 (port 0 = any free port); resolves to the base URL. */
    start(port = 0) {
      server = http.createServer(onRequest);
      server.keepAliveTimeout = 5000;
      ticker = setInterval(() => advance(), 10);
      ticker.unref();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
      });
    },
    /** Stops listening and flushes the log file. */
    stop() {
      clearInterval(ticker);
      return new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => (logStream ? logStream.end(resolve) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

const HELP = `Usage: node sim/server.js [options]

A Genesys-like stand-in on 127.0.0.1 (evaluation exports with the 409 range lock,
recording jobs with at most 2 active, conversation details jobs, 429/503/400 rules).

  --port N             port to listen on (default 8787; 0 = any free port)
  --scale N            simulated ms per real ms (default 100; 1 = real time)
  --fail-rate R        share of jobs that end FAILED (default 0)
  --rate N/S           requests per client per S simulated seconds (default 3000/60)
  --retry-after S      send this Retry-After on every 429 instead of the window's rest
  --transient-503 R    share of API requests answered 503 (default 0)
  --log FILE           write every request and job transition as JSON lines
  --seed N             random seed (default 1)

Admin: GET /sim/health, GET /sim/audit, GET /sim/log, POST /sim/restart.
Clients name themselves with an X-Client-Id header (rate limits are per client).`;

async function main(argv) {
  const a = parseOptions(argv, {
    port: 'number', scale: 'number', 'fail-rate': 'number', 'transient-503': 'number',
    'retry-after': 'number', seed: 'number', log: 'string', rate: 'string',
  });
  if (a.help) {
    console.log(HELP);
    return;
  }
  const opts = {};
  const port = a.port === undefined ? 8787 : a.port;
  if (a.scale !== undefined) opts.scale = a.scale;
  if (a['fail-rate'] !== undefined) opts.failRate = a['fail-rate'];
  if (a['transient-503'] !== undefined) opts.transient503Rate = a['transient-503'];
  if (a['retry-after'] !== undefined) opts.retryAfterSeconds = a['retry-after'];
  if (a.seed !== undefined) opts.seed = a.seed;
  if (a.log !== undefined) opts.logFile = a.log;
  if (a.rate !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(a.rate);
    if (!m) throw new Error('--rate needs N/S, e.g. 300/60');
    opts.rateLimit = { requests: Number(m[1]), windowMs: Number(m[2]) * 1000 };
  }
  opts.keepLog = false; // a long-running server keeps its log in the file only
  const sim = createSimulator(opts);
  const url = await sim.start(port);
  console.log(`Genesys stand-in listening on ${url} (scale ${sim.clock.scale}); Ctrl-C stops it`);
  const stop = () => sim.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`sim/server.js: ${e.message}`);
    process.exit(2);
  });
}

module.exports = { createSimulator, PROFILES, DEFAULTS, exportKey };
