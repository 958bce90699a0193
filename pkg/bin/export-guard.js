#!/usr/bin/env node
// export-guard CLI: decide, plan, build payloads, preview backoff, and keep a queue file
// through the lifecycle (enqueue, next, record, prune) from Node scripts in CI. Reads JSON
// from files or stdin, prints JSON on stdout.
//
// Exit codes: 0 submit / ok, 3 queue (wait), 4 reject (invalid input; errors printed),
//             2 usage error, 1 internal error.
'use strict';
const fs = require('fs');
const path = require('path');
const util = require('util');
const { openStore, StoreError, LockError } = require('./stores');

const EXIT = { OK: 0, INTERNAL: 1, USAGE: 2, QUEUE: 3, REJECT: 4 };

const HELP = {
  run: `Usage: export-guard run --store STORE (--base-url URL | --region DOMAIN) [--requests FILE]
                        [--options FILE] [--results DIR] [--once] [--max-wait DURATION]
                        [--give-up-after DURATION] [--dry-run] [--json]

Queues the requests in FILE (a JSON array of requests, each optionally with an "id"), then
drives them to the end with the one driver loop: next → calls → record, sleeping until the
next call is due. A request whose export is already in the queue (live, or finished) is not
added again, so running the same command again after a crash or a --max-wait resumes the
job: nothing is lost, and nothing recorded as submitted is POSTed again. Runners on several
machines share one queue through PostgreSQL.
  --store STORE        where the queue lives: a file path (or file:PATH) for one machine,
                       postgres://user:password@host:port/db?table=NAME for a fleet;
                       default $EXPORT_GUARD_STORE (--queue FILE is an alias)
  --requests FILE      the requests JSON; '-' for stdin; omitted: run the queue as it is
  --base-url URL       the API base, e.g. http://127.0.0.1:8787 (or $EXPORT_GUARD_BASE_URL)
  --region DOMAIN      a Genesys Cloud region: mypurecloud.com, euw2.pure.cloud, ...
                       (API https://api.DOMAIN, tokens from https://login.DOMAIN; or $GENESYS_REGION)
  --login-url URL      the token URL (or the host of /oauth/token), when not the region's
  --options FILE       options JSON (integrationId, maxActiveJobs, pollMs, leaseMs, policy,
                       maxInDoubt, maxRangeDays, timeZone, profile, ...)
  --results DIR        download each details job's results into DIR: one NDJSON file per
                       request (DIR/<id>.ndjson, a conversation per line, none twice even
                       where adjacent windows' jobs both return it), written once every
                       part is exported; pages land in DIR/.pages as they are read, so a
                       killed run resumes at its page
  --concurrency N      HTTP calls in flight at once (default 8)
  --once               one step (next, calls, record), then stop
  --max-wait DURATION  stop waiting after this long (90s, 30m, 2h): exit 3 if items remain
  --give-up-after DURATION
                       stop with exit 1 when the API has not answered for this long (default 5m)
  --dry-run            show what would happen to each request; make no call, change nothing
  --json               JSON lines of events (and a final summary) instead of text

Authentication: OAuth client credentials from GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET
(required with --region); the token is cached for the run and refreshed on expiry or a 401.
Secrets and store passwords never appear in the output.

Exit codes: 0 every request exported; 3 some still waiting on Genesys at --max-wait (or
--once); 4 some failed (each with its reason), or requests/queue invalid; 2 usage error;
1 the run cannot go on (credentials refused, the API or the store unreachable) or an
internal error.`,
  status: `Usage: export-guard status --store STORE [--json]

Prints the queue as inspectQueue sees it: every item with its state, job id, why it waits
and until when; the pauses after 429s and the listings. A table on a terminal, JSON with
--json (or when not on a terminal). Changes nothing.
  --store STORE    the queue (a file, or postgres://...; default $EXPORT_GUARD_STORE)
  --json           the inspectQueue answer as JSON`,
  queue: `Usage: export-guard queue export --store STORE [--out FILE]
       export-guard queue import --store STORE --in FILE [--replace]

Moves a queue between stores: export writes the state (JSON) to FILE or stdout; import
reads one (checked as every queue is) into a store, refusing a store that holds items
unless --replace.`,
  ui: `Usage: export-guard ui [--store STORE] [--port N] [--host ADDRESS]

Serves the admin page (decide, plan, payload, backoff, and a queue view) on
http://127.0.0.1:8080/. With --store (a queue file, or postgres://...; default
$EXPORT_GUARD_STORE), the page shows that queue live: every request and part with its
state, job id, why it waits and until when, and its last answer, read from the store
every few seconds, with when it last refreshed and whether the store is reachable. The
page cannot change the queue (the server answers GET only), and the store's password
never reaches it.
  --store STORE   the queue to show live (read only)
  --port N        the port (default 8080; 0 picks a free one)
  --host ADDRESS  the address to listen on (default 127.0.0.1: this machine only)`,
  main: `Usage: export-guard <command> [options]

Decide, plan and back off Genesys Cloud export jobs before any HTTP call.

Commands:
  run         the whole export job: queue the requests, then submit, poll, execute and
              retry against Genesys (or the simulator) until every one is exported
  status      print a queue: every item, its state, why it waits
  ui          serve the admin page, with a store's queue live (read only)
  queue       export or import a queue (move it between stores)
  decide      submit / queue / reject one request against the active jobs
  plan        split a range into disjoint, locally aligned windows for N workers
  payload     build the request body for a request
  schedule    preview the delays of a backoff policy
  next-retry  what to do after an HTTP response (retry / recheck / give-up / done)
  enqueue     add a request to a queue file
  next        the HTTP calls due now for a queue file (submit, poll, execute, find)
  record      record the answer to one of those calls
  prune       remove completed and failed items from a queue file
  drain       what a queue file can submit now (next, submits only)

Run 'export-guard <command> --help' for a command's options.
A request read from stdin replaces --request when that flag is omitted or is '-'.
Commands that read or write a queue take --store STORE (a file path, or
postgres://user:password@host:port/db?table=NAME; default $EXPORT_GUARD_STORE).

Exit codes: 0 submit/ok, 3 queue (or nothing due yet), 4 reject (invalid input),
2 usage error, 1 internal error.`,
  decide: `Usage: export-guard decide --request FILE [--jobs FILE] [--options FILE]

Prints the decision. Exit 0 submit, 3 queue, 4 reject.
  --request FILE   the request JSON ({ start, end, timeZone?, channels, profile? }); '-' or omitted: stdin
  --jobs FILE      the active jobs (a JSON array; omitted: none)
  --options FILE   options JSON (profile, maxRangeDays, touchingConflicts, now, ...)`,
  plan: `Usage: export-guard plan --request FILE [--granularity hour|day|week|month] [--workers N]
                         [--time-zone ZONE] [--jobs FILE] [--options FILE]

Prints { windows: [{ start, end, lockKey, worker, blockedBy }], ... }.
  --request FILE       the request JSON; '-' or omitted: stdin (channels optional)
  --granularity G      hour, day (default), week or month
  --workers N          number of workers (default 1)
  --time-zone ZONE     IANA zone for local boundaries (the request's timeZone wins; default UTC)
  --jobs FILE          active jobs, to mark blocked windows
  --options FILE       further plan options JSON`,
  payload: `Usage: export-guard payload --request FILE [--options FILE]

Prints the request body (an array with options.splitByChannel).
  --request FILE   the request JSON; '-' or omitted: stdin
  --options FILE   options JSON (profile, splitByChannel, maxRangeDays, ...)`,
  schedule: `Usage: export-guard schedule [--policy FILE]

Prints the backoff steps. Default policy: 5 s doubling to 60 s, 8 attempts, no jitter.
  --policy FILE    policy JSON ({ initialMs, factor, maxMs, maxAttempts, maxElapsedMs, jitter, seed })`,
  'next-retry': `Usage: export-guard next-retry --attempt N --status CODE [--retry-after VALUE] [--policy FILE]

Prints { action, delayMs, reason }. Exit 0 (read .action).
  --attempt N          the attempt that just finished (1 for the first)
  --status CODE        its HTTP status (0 for a network error)
  --retry-after VALUE  the Retry-After header, if any (seconds or an HTTP-date)
  --policy FILE        policy JSON`,
  enqueue: `Usage: export-guard enqueue --store STORE --request FILE [--options FILE] [--write]

Prints { queue, added, item }, or for an array of requests { queue, results } (one
{ added, item } or { added: false, errors } each, queued in one pass). A missing queue
file is an empty queue.
  --store STORE    the queue (a file, or postgres://...; --queue FILE is an alias)
  --request FILE   the request JSON (or an array of them); '-' or omitted: stdin
  --options FILE   options JSON (notBefore, attempts, profile, ...)
  --write          write the new queue back to the store`,
  drain: `Usage: export-guard drain --store STORE --jobs FILE [--options FILE] [--write]

Prints { submit, queue, waitingCount } (and waiting, why each item waits, with the option
"waitingDetail": true). The released items stay in the queue, submitting under
a lease: record each POST's answer with 'export-guard record'; an item whose answer is not
recorded within leaseMs is released again (at-least-once). Exit 0 when something can be
submitted or nothing is queued, 3 when every queued item must wait.
  --store STORE    the queue (a missing file is an empty queue)
  --jobs FILE      the active jobs (a JSON array)
  --options FILE   options JSON (touchingConflicts, maxActiveJobs, splitByChannel, leaseMs,
                   waitingDetail, ...)
  --write          write the queue back to the store (under its claim)`,
  next: `Usage: export-guard next --store STORE [--jobs FILE] [--options FILE] [--write]

Prints { actions, queue, counts, waiting, wakeAt }: each action is an HTTP call
{ kind, key, method, path, body? } to make now. With --write the queue is saved with the
calls leased BEFORE you make them, so a crash loses nothing. Then record each answer.
Exit 0 when there are actions (or every item is final), 3 when nothing is due yet (wait
until wakeAt).
  --store STORE    the queue (a missing file is an empty queue)
  --jobs FILE      jobs the API listed (a JSON array; default none)
  --options FILE   options JSON (now, integrationId, clientId, maxActiveJobs, leaseMs, pollMs, policy, ...)
  --write          write the queue back to the store (under its claim)`,
  record: `Usage: export-guard record --store STORE (--action FILE | --key KEY) --response FILE [--options FILE] [--write]

Records the answer to a call next handed out. Prints { action, event, item, queue }.
Exit 0; 4 when the answer is refused (STALE_ANSWER: nobody waits for it; drop it).
  --store STORE    the queue
  --action FILE    the action JSON as next printed it: a late answer (another call, or a
                   results page handed out since) is then refused; '-': stdin
  --key KEY        the action's key alone (not for results pages, whose page must be said)
  --response FILE  the answer JSON { status, headers?, body? } (status 0: no response); '-': stdin
  --options FILE   options JSON (now, pollMs, policy, clientId, ...)
  --write          write the queue back to the store (under its claim)`,
  prune: `Usage: export-guard prune --store STORE [--keep N] [--before INSTANT] [--write]

Removes completed and failed items (never live ones). Prints { queue, removed }.
  --store STORE      the queue
  --keep N           keep the newest N of them (default 0, or all with --before)
  --before INSTANT   remove those that ended before this instant
  --write            write the queue back to the store (under its claim)`,
};

const SPEC = {
  run: { values: ['requests', 'store', 'queue', 'base-url', 'region', 'login-url', 'max-wait', 'give-up-after', 'options', 'concurrency', 'results'], flags: ['once', 'dry-run', 'json'] },
  status: { values: ['store', 'queue'], flags: ['json'] },
  ui: { values: ['store', 'queue', 'port', 'host'], flags: [] },
  queue: { values: ['store', 'queue', 'out', 'in'], flags: ['replace'], positionals: true },
  decide: { values: ['request', 'jobs', 'options'], flags: [] },
  plan: { values: ['request', 'granularity', 'workers', 'time-zone', 'jobs', 'options'], flags: [] },
  payload: { values: ['request', 'options'], flags: [] },
  schedule: { values: ['policy'], flags: [] },
  'next-retry': { values: ['attempt', 'status', 'retry-after', 'policy'], flags: [] },
  enqueue: { values: ['store', 'queue', 'request', 'options'], flags: ['write'] },
  drain: { values: ['store', 'queue', 'jobs', 'options'], flags: ['write'] },
  next: { values: ['store', 'queue', 'jobs', 'options'], flags: ['write'] },
  record: { values: ['store', 'queue', 'key', 'action', 'response', 'options'], flags: ['write'] },
  prune: { values: ['store', 'queue', 'keep', 'before'], flags: ['write'] },
};

/** Commands that read a queue, and with --write change it under the store's claim. */
const QUEUE_COMMANDS = new Set(['enqueue', 'drain', 'next', 'record', 'prune']);

class UsageError extends Error {}

/**
 * Reads a command's options with Node's util.parseArgs (strict: unknown options and
 * stray positionals are usage errors), keeping this CLI's messages and exit code 2.
 */
function parseArgs(command, argv) {
  const spec = SPEC[command];
  const options = { help: { type: 'boolean', short: 'h' } };
  for (const name of spec.values) options[name] = { type: 'string' };
  for (const name of spec.flags) options[name] = { type: 'boolean' };
  let parsed;
  try {
    parsed = util.parseArgs({ args: argv, options, strict: true, allowPositionals: Boolean(spec.positionals) });
  } catch (err) {
    throw new UsageError(usageMessage(err, command));
  }
  if (parsed.values.help) return { help: true };
  return { ...parsed.values, positionals: parsed.positionals };
}

/** util.parseArgs' errors, in this CLI's words. */
function usageMessage(err, command) {
  const option = (/'(-[-\w]+)/.exec(err.message) || [])[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option || ''} for '${command}'`.replace('  ', ' ');
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${(/'([^']*)'/.exec(err.message) || [])[1]}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /takes no|does not take/.test(err.message) && option ? `${option} takes no value`
        : option ? `${option} needs a value` : err.message;
    default:
      return err.message;
  }
}

/** The store named by --store (or its alias --queue, or $EXPORT_GUARD_STORE). */
function storeOf(opts, extra = {}) {
  const spec = opts.store !== undefined ? opts.store : opts.queue !== undefined ? opts.queue : process.env.EXPORT_GUARD_STORE || undefined;
  if (spec === undefined) throw new UsageError('--store is required (a queue file, or postgres://...), or set EXPORT_GUARD_STORE');
  return openStore(spec, { readJson: readJsonFile, onNote: (t) => process.stderr.write(`export-guard: ${t}\n`), ...extra });
}

let stdinText;
function readStdin() {
  if (stdinText === undefined) stdinText = fs.readFileSync(0, 'utf8');
  return stdinText;
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${what} is not valid JSON: ${err.message}`);
  }
}

function readJsonFile(file, what) {
  let text;
  try {
    text = file === '-' ? readStdin() : fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} '${file}': ${err.code || err.message}`);
  }
  return parseJson(text, `${what} '${file}'`);
}

function readRequest(opts) {
  if (opts.request === undefined || opts.request === '-') {
    if (process.stdin.isTTY) throw new UsageError('--request FILE is required (or pipe the request on stdin)');
    return parseJson(readStdin(), 'the request on stdin');
  }
  return readJsonFile(opts.request, 'request');
}

function optional(file, what) {
  return file === undefined ? undefined : readJsonFile(file, what);
}

function required(opts, name, what) {
  if (opts[name] === undefined) throw new UsageError(`--${name} FILE is required (${what})`);
  return readJsonFile(opts[name], what);
}


function wholeNumber(text, name) {
  if (!/^\d+$/.test(String(text))) throw new UsageError(`--${name} must be a whole number, not '${text}'`);
  return Number(text);
}

/** A command: `queue` is the store's state (queue commands), `write` saves what it answers. */
function run(command, opts, eg, queue) {
  const write = (r) => ({ queue: opts.write ? r.out.queue : null, ...r });
  switch (command) {
    case 'decide': {
      const request = readRequest(opts);
      const jobs = opts.jobs === undefined ? [] : readJsonFile(opts.jobs, 'jobs');
      const d = eg.decide(request, jobs, optional(opts.options, 'options'));
      const code = d.action === 'submit' ? EXIT.OK : d.action === 'queue' ? EXIT.QUEUE : EXIT.REJECT;
      return { out: d, code };
    }
    case 'plan': {
      const request = readRequest(opts);
      const options = Object.assign({}, optional(opts.options, 'options'));
      if (opts.granularity !== undefined) options.granularity = opts.granularity;
      if (opts.workers !== undefined) options.workers = wholeNumber(opts.workers, 'workers');
      if (opts['time-zone'] !== undefined) options.timeZone = opts['time-zone'];
      if (opts.jobs !== undefined) options.activeJobs = readJsonFile(opts.jobs, 'jobs');
      return { out: eg.plan(request, options), code: EXIT.OK };
    }
    case 'payload':
      return { out: eg.buildPayload(readRequest(opts), optional(opts.options, 'options')), code: EXIT.OK };
    case 'schedule':
      return { out: eg.schedule(optional(opts.policy, 'policy')), code: EXIT.OK };
    case 'next-retry': {
      if (opts.attempt === undefined) throw new UsageError('--attempt N is required');
      if (opts.status === undefined) throw new UsageError('--status CODE is required');
      const headers = {};
      if (opts['retry-after'] !== undefined) headers['Retry-After'] = opts['retry-after'];
      const response = { status: wholeNumber(opts.status, 'status'), headers };
      return { out: eg.nextRetry(wholeNumber(opts.attempt, 'attempt'), response, optional(opts.policy, 'policy')), code: EXIT.OK };
    }
    case 'enqueue': {
      const request = readRequest(opts);
      const options = optional(opts.options, 'options');
      const r = Array.isArray(request) ? eg.enqueueMany(queue, request, options) : eg.enqueue(queue, request, options);
      return write({ out: r, code: EXIT.OK });
    }
    case 'drain': {
      const jobs = required(opts, 'jobs', 'the active jobs, a JSON array');
      const r = eg.drain(queue, jobs, optional(opts.options, 'options'));
      const code = r.submit.length === 0 && r.waitingCount > 0 ? EXIT.QUEUE : EXIT.OK;
      return write({ out: r, code });
    }
    case 'next': {
      const jobs = opts.jobs === undefined ? null : readJsonFile(opts.jobs, 'jobs');
      const r = eg.next(queue, jobs, optional(opts.options, 'options'));
      const code = r.actions.length === 0 && r.wakeAt !== null ? EXIT.QUEUE : EXIT.OK;
      return write({ out: r, code });
    }
    case 'record': {
      if ((opts.key === undefined) === (opts.action === undefined)) throw new UsageError('give --action FILE (the action next printed) or --key KEY, one of them');
      const action = opts.action === undefined ? opts.key : readJsonFile(opts.action, 'action');
      const response = required(opts, 'response', 'the answer, { status, headers?, body? }');
      const r = eg.record(queue, action, response, optional(opts.options, 'options'));
      return write({ out: r, code: EXIT.OK });
    }
    case 'prune': {
      const options = {};
      if (opts.keep !== undefined) options.keep = wholeNumber(opts.keep, 'keep');
      if (opts.before !== undefined) options.before = opts.before;
      const r = eg.prune(queue, options);
      return write({ out: r, code: EXIT.OK });
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** A queue command: read the store (or, with --write, change it under its claim). */
async function queueCommand(command, opts, eg) {
  const store = storeOf(opts);
  try {
    if (!opts.write) return run(command, opts, eg, await store.read());
    return await store.updateAsync((q) => {
      const r = run(command, opts, eg, q);
      return { queue: r.queue, value: r };
    });
  } finally {
    await store.close();
  }
}

/** `status`: the queue as inspectQueue sees it. */
async function statusCommand(opts, eg) {
  const store = storeOf(opts);
  try {
    const inspected = eg.inspectQueue(await store.read(), null, {});
    if (opts.json || !process.stdout.isTTY) return { out: inspected, code: EXIT.OK };
    const iso = (t) => (t ? t.replace(/\.\d+Z$/, 'Z') : '-');
    const rows = inspected.items.map((i) => [String(i.seq), i.profile, `${iso(i.start)}/${iso(i.end)}`, i.channels.join(','), i.state,
      i.jobId || '-', iso(i.due), (i.waiting && i.waiting.text) || i.reason || '']);
    const head = ['seq', 'profile', 'range', 'channels', 'state', 'job id', 'due', 'why'];
    const width = head.map((h, k) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[k].length))));
    const line = (c) => c.map((v, k) => (k === c.length - 1 ? v : v.padEnd(width[k]))).join('  ');
    const counts = Object.entries(inspected.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'empty';
    const text = [`${store.describe()}: ${counts}; next call ${inspected.wakeAt ? iso(inspected.wakeAt) : 'none'}`, '',
      line(head), line(width.map((w) => '-'.repeat(w))), ...rows.map(line),
      ...inspected.pauses.map((p) => `paused: ${p.reason}`),
      ...inspected.requests.map((r) => `bulk request ${r.id}: ${r.outcome}, ${r.completed} of ${r.parts} parts completed, ${r.failed} failed, ${r.live} live`)].join('\n');
    return { text, code: EXIT.OK };
  } finally {
    await store.close();
  }
}

/** `ui`: serves the page until SIGINT or SIGTERM; with a store, its queue live. */
async function uiCommand(opts) {
  const { createUiServer, defaultRoots } = require('./ui');
  const port = opts.port === undefined ? 8080 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a number from 0 to 65535, not '${opts.port}'`);
  const host = opts.host === undefined ? '127.0.0.1' : opts.host;
  const wantsStore = opts.store !== undefined || opts.queue !== undefined || Boolean(process.env.EXPORT_GUARD_STORE);
  // The page only reads: an unreachable store answers at once (the page says so and asks
  // again), and a queue not made yet is shown empty rather than created.
  const store = wantsStore ? storeOf(opts, { readOnly: true }) : null;
  const server = createUiServer({ roots: defaultRoots(), store });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  process.stdout.write(`serving http://${host.includes(':') ? `[${host}]` : host}:${server.address().port}/` +
    (store ? ` with ${store.describe()} live (read only)` : '') + '\n');
  await new Promise((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, resolve);
  });
  await new Promise((resolve) => server.close(resolve));
  if (store) await store.close();
  return EXIT.OK;
}

/** `queue export|import`: moves a queue between stores. */
async function queueMoveCommand(opts, eg) {
  const [verb, ...rest] = opts.positionals;
  if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'`);
  if (verb !== 'export' && verb !== 'import') throw new UsageError(`queue takes export or import, not '${verb === undefined ? '' : verb}'`);
  const store = storeOf(opts);
  try {
    if (verb === 'export') {
      const state = eg.queueState(await store.read());
      if (opts.out === undefined) return { out: state, code: EXIT.OK };
      require('./stores').writeAtomic(opts.out, state);
      return { text: `exported ${state.items.length} item(s) from ${store.describe()} to ${opts.out}`, code: EXIT.OK };
    }
    if (opts.in === undefined) throw new UsageError('--in FILE is required (a queue state, as queue export wrote it; - for stdin)');
    const state = eg.queueState(readJsonFile(opts.in, 'queue'));
    const n = await store.updateAsync((q) => {
      const held = q ? eg.queueState(q).items.length : 0;
      if (held && !opts.replace) throw new UsageError(`${store.describe()} holds ${held} item(s): give --replace to overwrite them`);
      return { queue: state, value: state.items.length };
    });
    return { text: `imported ${n} item(s) into ${store.describe()}`, code: EXIT.OK };
  } finally {
    await store.close();
  }
}

/** `run`: its own loop, output and exit codes (pkg/bin/run.js). */
async function runCommand(opts, eg) {
  const { run, RunUsageError, RunError, RUN_EXIT } = require('./run');
  try {
    return await run(opts, eg, { readJson: readJsonFile });
  } catch (err) {
    if (err instanceof RunUsageError) throw new UsageError(err.message);
    if (err instanceof StoreError && err.exitCode === 2) throw new UsageError(err.message);
    if (err instanceof RunError || err instanceof LockError || err instanceof StoreError) {
      process.stderr.write(`export-guard: ${err.message}\n`);
      return RUN_EXIT.INTERNAL;
    }
    if (err instanceof eg.ExportGuardError) {
      process.stderr.write(`export-guard: ${err.code}${err.field ? ' at ' + err.field : ''}: ${err.message}\n`);
      return RUN_EXIT.FAILED;
    }
    throw err;
  }
}

async function main(argv) {
  const command = argv[0];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP.main + '\n');
    return command === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (command === '--version' || command === '-V') {
    process.stdout.write(require('../index.js').version() + '\n');
    return EXIT.OK;
  }
  try {
    if (!SPEC[command]) throw new UsageError(`unknown command '${command}'`);
    const opts = parseArgs(command, argv.slice(1));
    if (opts.help) {
      process.stdout.write(HELP[command] + '\n');
      return EXIT.OK;
    }
    const eg = require('../index.js');
    if (command === 'run') return await runCommand(opts, eg);
    if (command === 'ui') return await uiCommand(opts);
    let result;
    try {
      if (QUEUE_COMMANDS.has(command)) result = await queueCommand(command, opts, eg);
      else if (command === 'status') result = await statusCommand(opts, eg);
      else if (command === 'queue') result = await queueMoveCommand(opts, eg);
      else result = run(command, opts, eg);
    } catch (err) {
      if (!(err instanceof eg.ExportGuardError)) throw err;
      process.stdout.write(JSON.stringify({ errors: err.errors }, null, 2) + '\n');
      process.stderr.write(`export-guard: ${err.code}${err.field ? ' at ' + err.field : ''}: ${err.message}\n`);
      return EXIT.REJECT;
    }
    process.stdout.write(result.text !== undefined ? result.text + '\n' : JSON.stringify(result.out, null, 2) + '\n');
    if (result.code === EXIT.REJECT && result.out.errors) {
      for (const e of result.out.errors) {
        process.stderr.write(`export-guard: ${e.code}${e.field ? ' at ' + e.field : ''}: ${e.message}\n`);
      }
    }
    return result.code;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`export-guard: ${err.message}\n`);
      if (SPEC[command]) process.stderr.write(`Run 'export-guard ${command} --help' for usage.\n`);
      else process.stderr.write("Run 'export-guard --help' for usage.\n");
      return EXIT.USAGE;
    }
    if (err instanceof StoreError && err.exitCode === 2) {
      process.stderr.write(`export-guard: ${err.message}\n`);
      return EXIT.USAGE;
    }
    if (err instanceof LockError || err instanceof StoreError) {
      process.stderr.write(`export-guard: ${err.message}\n`);
      return EXIT.INTERNAL;
    }
    process.stderr.write(`export-guard: internal error: ${err && err.stack ? err.stack : err}\n`);
    return EXIT.INTERNAL;
  }
}

// A closed pipe (`export-guard plan ... | head`) ends the output, not the process with a trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode || 0);
  throw err;
});

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err) => {
  process.stderr.write(`export-guard: internal error: ${err && err.stack ? err.stack : err}\n`);
  process.exitCode = EXIT.INTERNAL;
});
