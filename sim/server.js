#!/usr/bin/env node
'use strict';
const { parseOptions } = require('./args');
/**
 * A Genesys-like stand-in on loopback, for load runs and for testing integrations offline.
 *
 * It answers as the official SDK models say (JavaScript v259, Python v257), and is never
 * more forgiving than the API:
 *  - conversation details jobs (documented): POST answers `{ jobId }` and nothing else;
 *    GET `/{jobId}` answers the AsyncQueryStatus fields (`state`, `submissionDate`,
 *    `completionDate`, `expirationDate`, `errorMessage`), no id; there is **no list
 *    endpoint**, so a client must count the jobs it started; a FULFILLED job's
 *    `GET /{jobId}/results` pages its conversations by `cursor`
 *    (AnalyticsConversationAsyncQueryResponse: `conversations`, `cursor` on every page
 *    but the last, `dataAvailabilityDate`): every conversation of the org active in the
 *    job's interval, so one that crosses a window boundary comes back from both windows'
 *    jobs (the org has one conversation every 6 hours from 05:30 UTC; every fourth, at
 *    23:30, lasts 3 hours and crosses midnight);
 *  - recording jobs (documented): POST and GET answer a RecordingJob with `state`; a job
 *    goes PENDING → READY and **stays READY until its creator sends**
 *    `PUT /api/v2/recording/jobs/{id}` `{"state":"PROCESSING"}`, then PROCESSING →
 *    FULFILLED or FAILED; EXPORT needs `integrationId` (400 otherwise); at most 2
 *    PENDING/PROCESSING jobs per organisation; the documented listing
 *    `GET /api/v2/recording/jobs?state=...&showOnlyMyJobs=false` and DELETE (cancel);
 *  - evaluation exports (community description, not in the SDKs): `{ id, status }`, an
 *    active job (QUEUED / IN_PROGRESS) locks its date range and an overlapping POST gets
 *    409; no listing is described, so none is offered;
 *  - on every endpoint: 429 with Retry-After in seconds beyond a request rate per client,
 *    random transient 503s, 404 for unknown jobs (also for jobs lost in a restart).
 *
 * With `credentials` (one client or several), the API needs a bearer token from
 * `POST /oauth/token` (the OAuth client-credentials grant: HTTP Basic
 * client_id:client_secret, form body grant_type=client_credentials; answers
 * { access_token, token_type, expires_in }), and answers 401 to a missing, unknown or
 * expired token; the client is then the token's. A READY recording job is executed only
 * by the client that created it ("A job must be executed by the same user whom
 * originally created the job", the official SDKs' putRecordingJob): another client's
 * PUT is refused with 403 (the status Genesys gives is [unverified]).
 *
 * With `authCodeClients`, browser apps sign in with the authorization code grant with
 * PKCE (documented by Genesys for browser apps): `GET /oauth/authorize` (response_type
 * code, client_id, redirect_uri, code_challenge, code_challenge_method S256, state)
 * redirects at once to redirect_uri with a code (the simulated user is signed in and
 * consents); `POST /oauth/token` (grant_type authorization_code, code, redirect_uri,
 * client_id, code_verifier) gives a token when SHA-256 of the verifier is the challenge,
 * the code is fresh (authCodeTtlSeconds) and unused, and answers 400 invalid_grant
 * otherwise. Every answer carries CORS headers, and OPTIONS preflights are answered, as
 * the API does for browser apps.
 *
 * Rules that are not the API's are options, named as such: `requireChannelFilter`
 * (export-guard's own rule that an export names its channels: off by default),
 * `touchingConflicts` (whether the end of a range is inclusive is unverified),
 * `recordingLimitStatus` (the status of the recording limit is undocumented: 429),
 * `conversationMaxActive` (Genesys publishes no details-job limit: 5), `dailyLimit` (a
 * fault mode: 429 with a Retry-After of hours, as Genesys answers some daily limits).
 *
 * Jobs move through their states on a simulated clock (see clock.js) and can FAIL at a
 * configurable rate. Every request and job transition is logged as JSON, and completed
 * exports are audited so a run can be checked for losses and duplicates.
 *
 * Node standard library only. Run it alone with `node sim/server.js --help`.
 */
const http = require('http');
const fs = require('fs');
const crypto = require('crypto');
const { SimClock, rng } = require('./clock');
const { VALIDATORS, BadRequest } = require('./validate');

/**
 * The endpoint families. `flow` is the way to the end: the states a job passes through
 * on its own, `ready` the state it waits in for its creator's PUT (recording jobs).
 */
const PROFILES = {
  evaluationExports: {
    path: '/api/v2/quality/evaluationexports',
    source: 'community',
    idField: 'id',
    stateField: 'status',
    flow: ['QUEUED', 'IN_PROGRESS'],
    done: 'COMPLETED',
    lock: 'range',
    listing: false,
  },
  conversationDetailsJobs: {
    path: '/api/v2/analytics/conversations/details/jobs',
    source: 'genesys-docs',
    idField: 'jobId',
    stateField: 'state',
    flow: ['QUEUED', 'PENDING'],
    done: 'FULFILLED',
    lock: 'conversationMaxActive',
    listing: false,
  },
  recordingJobs: {
    path: '/api/v2/recording/jobs',
    source: 'genesys-docs',
    idField: 'id',
    stateField: 'state',
    flow: ['PENDING'],
    ready: 'READY',
    running: 'PROCESSING',
    done: 'FULFILLED',
    lock: 'recordingMaxActive',
    listing: true,
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
  requireChannelFilter: false,
  dailyLimit: null,
  postLatencyMs: 0, // a fault mode: real ms before a POST's answer is sent (after the job is made)
  credentials: null, // { clientId, clientSecret } or an array of them: require OAuth client-credentials tokens
  tokenTtlSeconds: 86400, // expires_in of the tokens (simulated seconds)
  authCodeClients: null, // [{ clientId }]: public clients of the authorization code grant with PKCE (browser apps)
  authCodeTtlSeconds: 60, // how long an authorization code may be exchanged (simulated seconds)
  maxBodyBytes: 512000,
  resultsPageSize: 100, // conversations per results page (the pageSize query parameter may ask for fewer)
  logFile: null,
  keepLog: true,
};

const iso = (ms) => new Date(ms).toISOString();

/** The audit key of an export: what "the same export" means for duplicates. */
function exportKey(profile, start, end, channels) {
  return `${profile}|${iso(start)}/${iso(end)}|${channels.join(',')}`;
}

/**
 * The org's conversations active in [start, end): one every 6 h from 05:30 UTC, each
 * 10 minutes long but every fourth (23:30), which lasts 3 hours. Ids are stable.
 */
function conversationsIn(start, end) {
  const every = 6 * 3600000;
  const first = 5.5 * 3600000;
  const longest = 3 * 3600000;
  const out = [];
  for (let n = Math.max(0, Math.ceil((start - longest - first) / every)); first + n * every < end; n++) {
    const from = first + n * every;
    const to = from + (n % 4 === 3 ? longest : 10 * 60000);
    if (to <= start) continue;
    out.push({ conversationId: `conv-${n}`, conversationStart: iso(from), conversationEnd: iso(to),
      originatingDirection: n % 2 ? 'outbound' : 'inbound', divisionIds: [], participants: [] });
  }
  return out;
}

/** An error answer in Genesys's shape. */
const fail = (status, code, message, headers = {}) => [status, { status, code, message }, headers];

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
  const days = new Map(); // client -> { start, posts } for the daily-limit fault
  const byStatus = {}; // "METHOD status" -> count of API answers (what clients in other processes cannot report)
  const refusals = {}; // profile -> calls refused for the concurrency limit (not the rate limit)
  const foreignPuts = { count: 0 }; // PUTs of a READY job by another client than its creator
  const tokens = new Map(); // access token -> { clientId, expiresAt }
  let tokensIssued = 0;
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

  /** Holds a lock or counts against a limit (READY does not: it waits for its creator). */
  function active(job) {
    const p = PROFILES[job.profile];
    return p.flow.includes(job.status) || job.status === p.running;
  }

  function move(job, to, at) {
    record({ at, type: 'job', id: job.id, profile: job.profile, key: job.key, from: job.status, to });
    job.status = to;
  }

  function finish(job, at) {
    const p = PROFILES[job.profile];
    move(job, job.fails ? 'FAILED' : p.done, at);
    job.completedAt = at;
    if (!job.fails) {
      exportsDone.push({ id: job.id, profile: job.profile, key: job.key, client: job.client, at: iso(at),
        executed: job.executedAt !== undefined ? iso(job.executedAt) : undefined, wasReady: job.wasReady || undefined });
      record({ at, type: 'export', id: job.id, profile: job.profile, key: job.key });
    }
  }

  /** Moves every job to the state it has reached by `now`, logging each transition at its own time. */
  function advance(now = clock.now()) {
    for (const job of jobs.values()) {
      const p = PROFILES[job.profile];
      if (p.ready) {
        if (job.status === p.flow[0] && now >= job.runsAt) {
          move(job, p.ready, job.runsAt);
          job.wasReady = true;
        }
        if (job.status === p.running && now >= job.endsAt) finish(job, job.endsAt);
        continue;
      }
      if (job.status === p.flow[0] && now >= job.runsAt) move(job, p.flow[1], job.runsAt);
      if (job.status === p.flow[1] && now >= job.endsAt) finish(job, job.endsAt);
    }
  }

  /** What GET (and POST, PUT) answer for a job, as the profile's model has it. */
  function view(job) {
    if (job.profile === 'conversationDetailsJobs') {
      // AsyncQueryStatus: no id, no interval, no filters.
      const v = { state: job.status, submissionDate: iso(job.createdAt) };
      if (job.completedAt !== undefined) {
        v.completionDate = iso(job.completedAt);
        v.expirationDate = iso(job.completedAt + 2 * 86400000);
      }
      if (job.status === 'FAILED') v.errorMessage = 'the query failed on the server (simulated)';
      return v;
    }
    if (job.profile === 'recordingJobs') {
      const v = { id: job.id, state: job.status, recordingJobsQuery: job.body, dateCreated: iso(job.createdAt),
        totalConversations: 3, totalRecordings: 5,
        totalProcessedRecordings: job.status === 'FULFILLED' ? 5 : 0,
        percentProgress: job.status === 'FULFILLED' ? 100 : 0,
        selfUri: `${PROFILES.recordingJobs.path}/${job.id}` };
      if (job.status === 'FAILED') v.errorMessage = 'the export failed on the server (simulated)';
      return v;
    }
    // The community's description of evaluation exports.
    const v = { id: job.id, status: job.status, start_date: iso(job.start), end_date: iso(job.end),
      filter: { channel: job.channels }, createdDate: iso(job.createdAt) };
    if (job.status === 'FAILED') v.errorMessage = 'the export failed on the server (simulated)';
    return v;
  }

  function duration(ms) {
    return Math.round(ms * (1 - cfg.durationJitter / 2 + random() * cfg.durationJitter));
  }

  /** The lock rules: null when the job may start (or run), else [status, body, headers]. */
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
    refusals[profile] = (refusals[profile] || 0) + 1;
    const status = profile === 'recordingJobs' ? cfg.recordingLimitStatus : 429;
    const headers = status === 429 ? { 'Retry-After': String(cfg.retryAfterSeconds === null ? 10 : cfg.retryAfterSeconds) } : {};
    return fail(status, status === 429 ? 'too.many.requests.retry.after' : 'conflict',
      `at most ${max} ${profile} may be active at once; ${live.length} are`, headers);
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

  /**
   * The daily-limit fault: beyond `dailyLimit.requests` job creations per client in a
   * window of `dailyLimit.windowMs` (default a day) from the first, 429 with a
   * Retry-After of the window's rest: hours, as Genesys answers some daily limits.
   */
  function dailyLimited(client, now) {
    if (!cfg.dailyLimit) return null;
    const windowMs = cfg.dailyLimit.windowMs || 86400000;
    let d = days.get(client);
    if (!d || now >= d.start + windowMs) days.set(client, (d = { start: now, posts: 0 }));
    d.posts += 1;
    if (d.posts <= cfg.dailyLimit.requests) return null;
    return Math.max(1, Math.ceil((d.start + windowMs - now) / 1000));
  }

  function create(profile, range, body, client, now) {
    const id = `${profile === 'evaluationExports' ? 'ee' : profile === 'recordingJobs' ? 'rj' : 'cd'}-${restarts}-${nextId++}`;
    const p = PROFILES[profile];
    const runsAt = now + duration(cfg.queuedMs);
    const job = { id, profile, client, start: range.start, end: range.end, channels: range.channels,
      key: exportKey(profile, range.start, range.end, range.channels), createdAt: now, runsAt,
      endsAt: runsAt + duration(cfg.runMs), fails: random() < cfg.failRate, status: p.flow[0], body };
    jobs.set(id, job);
    record({ at: now, type: 'job', id, profile, key: job.key, from: null, to: p.flow[0] });
    return job;
  }

  function route(url) {
    for (const [name, p] of Object.entries(PROFILES)) {
      if (url.pathname === p.path) return { profile: name, id: null };
      if (url.pathname.startsWith(p.path + '/')) {
        let rest = url.pathname.slice(p.path.length + 1);
        const results = name === 'conversationDetailsJobs' && rest.endsWith('/results');
        if (results) rest = rest.slice(0, -'/results'.length);
        const id = decodeURIComponent(rest);
        if (id && !id.includes('/')) return { profile: name, id, results };
      }
    }
    return null;
  }

  /**
   * GET /api/v2/analytics/conversations/details/jobs/{jobId}/results?cursor=&pageSize=:
   * a FULFILLED job's conversations, a page at a time. What Genesys answers for a job not
   * yet FULFILLED is [unverified]: 400 here.
   */
  function results(job, url) {
    if (job.status !== 'FULFILLED') return fail(400, 'bad.request', `job ${job.id} is ${job.status}: its results are ready once it is FULFILLED`);
    const size = Math.min(cfg.resultsPageSize, Number(url.searchParams.get('pageSize')) || cfg.resultsPageSize);
    let from = 0;
    const cursor = url.searchParams.get('cursor');
    if (cursor !== null) {
      const m = /^([^:]+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (!m || m[1] !== job.id) return fail(400, 'bad.request', `the cursor is not one of job ${job.id}'s`);
      from = Number(m[2]);
    }
    const all = conversationsIn(job.start, job.end);
    const page = { conversations: all.slice(from, from + size), dataAvailabilityDate: iso(clock.now()) };
    if (from + size < all.length) page.cursor = Buffer.from(`${job.id}:${from + size}`).toString('base64url');
    return [200, page, {}];
  }

  /** GET /api/v2/recording/jobs?state=X&showOnlyMyJobs=false: the documented listing. */
  function list(url, client) {
    const state = url.searchParams.get('state');
    const mine = url.searchParams.get('showOnlyMyJobs') !== 'false';
    const entities = [...jobs.values()]
      .filter((j) => j.profile === 'recordingJobs' && (!state || j.status === state) && (!mine || j.client === client))
      .map(view);
    return [200, { entities, pageSize: entities.length, pageNumber: 1, total: entities.length, pageCount: 1 }, {}];
  }

  /** PUT /api/v2/recording/jobs/{id} {"state":"PROCESSING"}: runs a READY job. */
  function execute(job, body, client, now) {
    let payload;
    try {
      payload = JSON.parse(body);
    } catch (e) {
      return fail(400, 'bad.request', `the body is not JSON: ${e.message}`);
    }
    if (!payload || payload.state !== 'PROCESSING') return fail(400, 'bad.request', 'the body must be {"state":"PROCESSING"}');
    if (job.client !== client) {
      foreignPuts.count += 1;
      return fail(403, 'not.authorized', `job ${job.id} was created by another client: a job must be executed by the user who created it`);
    }
    if (job.status !== 'READY') return fail(400, 'bad.request', `job ${job.id} is ${job.status}, not READY`);
    const refusal = lockRefusal('recordingJobs', job);
    if (refusal) return refusal;
    move(job, 'PROCESSING', now);
    job.executedAt = now;
    job.endsAt = now + duration(cfg.runMs);
    return [202, view(job), {}];
  }

  function handleApi(req, url, body, client) {
    const now = clock.now();
    advance(now);
    if (now < downUntil) return fail(503, 'service.unavailable', 'the service is restarting');
    const r = route(url);
    if (!r) return fail(404, 'not.found', `no route ${req.method} ${url.pathname}`);
    const retryAfter = rateLimited(client, now);
    if (retryAfter !== null) {
      return fail(429, 'too.many.requests.retry.after', `rate limit exceeded; retry after ${retryAfter} s`, { 'Retry-After': String(retryAfter) });
    }
    if (cfg.transient503Rate > 0 && random() < cfg.transient503Rate) {
      return fail(503, 'service.unavailable', 'transient failure (simulated)');
    }
    const p = PROFILES[r.profile];
    if (r.id !== null) {
      const job = jobs.get(r.id);
      if (!job || job.profile !== r.profile) return fail(404, 'not.found', `job ${r.id} does not exist`);
      if (r.results) return req.method === 'GET' ? results(job, url) : fail(405, 'method.not.allowed', `${req.method} is not supported here`);
      if (req.method === 'GET') return [200, view(job), {}];
      if (req.method === 'PUT' && r.profile === 'recordingJobs') return execute(job, body, client, now);
      if (req.method === 'DELETE' && r.profile === 'recordingJobs') {
        if (job.status !== 'PENDING' && job.status !== 'READY') return fail(400, 'bad.request', `job ${job.id} is ${job.status}: only PENDING and READY jobs can be cancelled`);
        move(job, 'CANCELLED', now);
        return [200, view(job), {}];
      }
      return fail(405, 'method.not.allowed', `${req.method} is not supported here`);
    }
    if (req.method === 'GET') {
      if (p.listing) return list(url, client);
      return fail(404, 'not.found', `no route GET ${url.pathname}: ${r.profile} jobs cannot be listed`);
    }
    if (req.method !== 'POST') return fail(405, 'method.not.allowed', `${req.method} is not supported here`);
    const daily = dailyLimited(client, now);
    if (daily !== null) {
      return fail(429, 'too.many.requests.retry.after', `the limit of ${cfg.dailyLimit.requests} jobs a day is reached; retry after ${daily} s`,
        { 'Retry-After': String(daily) });
    }
    let payload;
    try {
      payload = JSON.parse(body);
    } catch (e) {
      return fail(400, 'bad.request', `the body is not JSON: ${e.message}`);
    }
    let range;
    try {
      range = VALIDATORS[r.profile](payload, { requireChannelFilter: cfg.requireChannelFilter });
    } catch (e) {
      if (!(e instanceof BadRequest)) throw e;
      return fail(400, 'bad.request', e.message);
    }
    const refusal = lockRefusal(r.profile, range);
    if (refusal) return refusal;
    const job = create(r.profile, range, payload, client, now);
    // A details job's create answer is AsyncQueryResponse: { jobId } and nothing else.
    return [202, r.profile === 'conversationDetailsJobs' ? { jobId: job.id } : view(job), {}];
  }

  function issueToken(clientId) {
    tokensIssued += 1;
    const token = `sim-token-${tokensIssued}-${Math.floor(random() * 1e9)}`;
    tokens.set(token, { clientId, expiresAt: clock.now() + cfg.tokenTtlSeconds * 1000 });
    record({ type: 'token', client: clientId, n: tokensIssued });
    return [200, { access_token: token, token_type: 'bearer', expires_in: cfg.tokenTtlSeconds }, {}];
  }

  const codes = new Map(); // authorization code -> { clientId, redirectUri, challenge, expiresAt, used }
  const publicClient = (id) => [].concat(cfg.authCodeClients || []).some((c) => c.clientId === id);

  /** GET /oauth/authorize: the authorization code grant with PKCE; the simulated user consents at once. */
  function handleAuthorize(url) {
    const q = url.searchParams;
    const bad = (description) => [400, { error: 'invalid_request', description }, {}];
    if (!cfg.authCodeClients) return fail(404, 'not.found', 'this simulator was started without authCodeClients: no authorization code grant');
    if (q.get('response_type') !== 'code') return bad('response_type must be code');
    if (!publicClient(q.get('client_id'))) return [400, { error: 'unauthorized_client', description: `unknown client_id '${q.get('client_id')}'` }, {}];
    let redirect;
    try {
      redirect = new URL(q.get('redirect_uri'));
    } catch (_) {
      return bad('redirect_uri must be an absolute URL');
    }
    if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') || '')) {
      return bad('PKCE is required: code_challenge (base64url SHA-256, 43 characters) with code_challenge_method S256');
    }
    const code = crypto.randomBytes(18).toString('base64url');
    codes.set(code, { clientId: q.get('client_id'), redirectUri: redirect.href, challenge: q.get('code_challenge'),
      expiresAt: clock.now() + cfg.authCodeTtlSeconds * 1000, used: false });
    redirect.searchParams.set('code', code);
    if (q.get('state') !== null) redirect.searchParams.set('state', q.get('state'));
    record({ type: 'authorize', client: q.get('client_id') });
    return [302, { redirect: redirect.href }, { Location: redirect.href }];
  }

  /** POST /oauth/token, grant_type authorization_code: the code and its PKCE verifier. */
  function exchangeCode(form) {
    const invalid = (description) => [400, { error: 'invalid_grant', description }, {}];
    const c = codes.get(form.get('code') || '');
    if (!c) return invalid('unknown authorization code');
    if (c.used) return invalid('the authorization code was used already');
    if (clock.now() >= c.expiresAt) return invalid('the authorization code has expired');
    if (form.get('client_id') !== c.clientId) return invalid('the code was issued to another client');
    if (form.get('redirect_uri') !== c.redirectUri) return invalid('redirect_uri differs from the authorization request');
    const verifier = form.get('code_verifier') || '';
    if (crypto.createHash('sha256').update(verifier).digest('base64url') !== c.challenge) return invalid('the code_verifier does not match the code_challenge');
    c.used = true;
    return issueToken(c.clientId);
  }

  /** POST /oauth/token: the client-credentials grant (Basic auth, form body), or an authorization code. */
  function handleToken(req, body) {
    if (req.method !== 'POST') return fail(405, 'method.not.allowed', `${req.method} is not supported here`);
    const form = new URLSearchParams(body);
    const grant = form.get('grant_type');
    if (grant === 'authorization_code' && cfg.authCodeClients) return exchangeCode(form);
    if (!cfg.credentials) return fail(404, 'not.found', 'this simulator was started without credentials: no authentication');
    if (grant !== 'client_credentials') return [400, { error: 'unsupported_grant_type', description: 'grant_type must be client_credentials' }, {}];
    const m = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization || ''));
    const pair = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const i = pair.indexOf(':');
    const known = [].concat(cfg.credentials).find((c) => i >= 0 && pair.slice(0, i) === c.clientId && pair.slice(i + 1) === c.clientSecret);
    if (!known) {
      return [401, { error: 'invalid_client', description: 'client authentication failed' }, {}];
    }
    return issueToken(known.clientId);
  }

  /** With credentials: the client the bearer token belongs to, or a 401 answer. */
  function authenticate(req) {
    const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization || ''));
    const t = m && tokens.get(m[1]);
    if (!m) return { refusal: fail(401, 'authentication.required', 'no bearer token: get one from /oauth/token') };
    if (!t) return { refusal: fail(401, 'bad.credentials', 'unknown bearer token') };
    if (clock.now() >= t.expiresAt) return { refusal: fail(401, 'bad.credentials', 'the bearer token has expired') };
    return { client: t.clientId };
  }

  function handleAdmin(req, url) {
    if (url.pathname === '/sim/health') return [200, { ok: true, now: clock.iso(), scale: clock.scale, restarts }, {}];
    if (url.pathname === '/sim/audit') return [200, audit(), {}];
    if (url.pathname === '/sim/log') return [200, log, {}];
    if (url.pathname === '/sim/restart' && req.method === 'POST') return [200, restart(), {}];
    return fail(404, 'not.found', `no route ${req.method} ${url.pathname}`);
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
      let client = String(req.headers['x-client-id'] || req.headers.authorization || 'anonymous');
      let status;
      let body;
      let headers;
      try {
        const oauth = url.pathname === '/oauth/token' || url.pathname === '/oauth/authorize';
        const auth = (cfg.credentials || cfg.authCodeClients) && !url.pathname.startsWith('/sim/') && !oauth && req.method !== 'OPTIONS' ? authenticate(req) : null;
        if (auth && auth.client) client = auth.client;
        if (req.method === 'OPTIONS') {
          [status, body, headers] = [204, null, {}]; // a browser's CORS preflight
        } else if (tooBig) {
          [status, body, headers] = fail(413, 'payload.too.large', `the body exceeds ${cfg.maxBodyBytes} bytes`);
        } else if (url.pathname.startsWith('/sim/')) {
          [status, body, headers] = handleAdmin(req, url);
        } else if (url.pathname === '/oauth/authorize') {
          [status, body, headers] = handleAuthorize(url);
        } else if (url.pathname === '/oauth/token') {
          [status, body, headers] = handleToken(req, Buffer.concat(chunks).toString('utf8'));
        } else if (auth && auth.refusal) {
          [status, body, headers] = auth.refusal;
        } else {
          [status, body, headers] = handleApi(req, url, Buffer.concat(chunks).toString('utf8'), client);
        }
      } catch (e) {
        [status, body, headers] = fail(500, 'internal.error', String(e && e.stack));
      }
      if (!url.pathname.startsWith('/sim/') && !url.pathname.startsWith('/oauth/') && req.method !== 'OPTIONS') {
        byStatus[`${req.method} ${status}`] = (byStatus[`${req.method} ${status}`] || 0) + 1;
        record({ type: 'request', client, method: req.method, path: url.pathname + url.search, status,
          id: status === 202 ? body.id || body.jobId : undefined, code: status >= 400 ? body.code : undefined,
          retryAfter: headers['Retry-After'] });
      }
      const text = body === null ? '' : JSON.stringify(body);
      // CORS, as the API answers browser apps.
      const cors = { 'Access-Control-Allow-Origin': req.headers.origin || '*', 'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS', 'Access-Control-Expose-Headers': 'Retry-After, inin-correlation-id' };
      const send = () => {
        res.writeHead(status, { ...(text ? { 'Content-Type': 'application/json' } : {}), 'Content-Length': Buffer.byteLength(text), ...cors, ...headers });
        res.end(text);
      };
      // The slow-answer fault: the job exists, its create answer is still on its way.
      if (cfg.postLatencyMs && req.method === 'POST' && !url.pathname.startsWith('/sim/') && url.pathname !== '/oauth/token') {
        setTimeout(send, cfg.postLatencyMs);
      } else {
        send();
      }
    });
  }

  /** Loses every job not finished (the service's memory), keeps finished ones, and is down for a while. */
  function restart() {
    const now = clock.now();
    advance(now);
    const lost = [];
    for (const job of jobs.values()) {
      const p = PROFILES[job.profile];
      if (active(job) || job.status === p.ready) {
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
    /** Invalidates every bearer token issued so far (a revocation): the next call with one gets 401. */
    revokeTokens() {
      tokens.clear();
      record({ type: 'token', revoked: true });
    },
    /** Counts so far: jobs created, jobs active now, restarts. */
    stats() {
      advance();
      return { created: nextId - 1, active: [...jobs.values()].filter(active).length,
        ready: [...jobs.values()].filter((j) => j.status === 'READY').length, restarts, byStatus: { ...byStatus }, tokensIssued,
        limitRefusals: { ...refusals }, foreignPuts: foreignPuts.count };
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

A Genesys-like stand-in on 127.0.0.1 that answers as the official SDK models say:
conversation details jobs ({ jobId }; no listing), recording jobs (READY until the
creator's PUT {"state":"PROCESSING"}; at most 2 active; EXPORT needs integrationId),
and the community's evaluation exports (409 range lock); 429/503/400 rules.

  --port N             port to listen on (default 8787; 0 = any free port)
  --scale N            simulated ms per real ms (default 100; 1 = real time)
  --fail-rate R        share of jobs that end FAILED (default 0)
  --rate N/S           requests per client per S simulated seconds (default 3000/60)
  --retry-after S      send this Retry-After on every 429 instead of the window's rest
  --transient-503 R    share of API requests answered 503 (default 0)
  --log FILE           write every request and job transition as JSON lines
  --seed N             random seed (default 1)
  --daily-limit N:H    fault: beyond N job creations per client in H simulated hours,
                       429 with a Retry-After of the rest (Genesys answers daily limits so)
  --require-channel-filter
                       400 for a body without an explicit channel filter: export-guard's
                       own rule, not the API's (off by default)
  --credentials ID:SECRET[,ID:SECRET...]
                       require OAuth: POST /oauth/token (client-credentials grant) gives
                       bearer tokens; the API answers 401 without a valid one
  --token-ttl S        the tokens' expires_in, in simulated seconds (default 86400)
  --auth-code-clients ID[,ID...]
                       browser apps (the admin page) sign in with the authorization code
                       grant with PKCE: GET /oauth/authorize, then POST /oauth/token
  --results-page-size N
                       conversations per details-job results page (default 100)

Admin: GET /sim/health, GET /sim/audit, GET /sim/log, POST /sim/restart.
Clients name themselves with an X-Client-Id header (rate limits are per client).`;

async function main(argv) {
  const a = parseOptions(argv, {
    port: 'number', scale: 'number', 'fail-rate': 'number', 'transient-503': 'number',
    'retry-after': 'number', seed: 'number', log: 'string', rate: 'string',
    'daily-limit': 'string', 'require-channel-filter': 'boolean', credentials: 'string', 'token-ttl': 'number', 'auth-code-clients': 'string', 'results-page-size': 'count',
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
  if (a['require-channel-filter']) opts.requireChannelFilter = true;
  if (a.credentials !== undefined) {
    opts.credentials = a.credentials.split(',').map((pair) => {
      const i = pair.indexOf(':');
      if (i <= 0) throw new Error('--credentials needs ID:SECRET (several: ID:SECRET,ID:SECRET)');
      return { clientId: pair.slice(0, i), clientSecret: pair.slice(i + 1) };
    });
  }
  if (a['token-ttl'] !== undefined) opts.tokenTtlSeconds = a['token-ttl'];
  if (a['auth-code-clients'] !== undefined) opts.authCodeClients = a['auth-code-clients'].split(',').filter(Boolean).map((clientId) => ({ clientId }));
  if (a['results-page-size'] !== undefined) opts.resultsPageSize = a['results-page-size'];
  if (a['daily-limit'] !== undefined) {
    const m = /^(\d+):(\d+(\.\d+)?)$/.exec(a['daily-limit']);
    if (!m) throw new Error('--daily-limit needs N:HOURS, e.g. 100:24');
    opts.dailyLimit = { requests: Number(m[1]), windowMs: Number(m[2]) * 3600000 };
  }
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

module.exports = { createSimulator, PROFILES, DEFAULTS, exportKey, conversationsIn };
