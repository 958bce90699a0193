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
const { readQueue: readQueueFile, writeAtomic, withQueueLock, LockError } = require('./queue-file');

const EXIT = { OK: 0, INTERNAL: 1, USAGE: 2, QUEUE: 3, REJECT: 4 };

const HELP = {
  run: `Usage: export-guard run --queue FILE (--base-url URL | --region DOMAIN) [--requests FILE]
                        [--options FILE] [--once] [--max-wait DURATION] [--dry-run] [--json]

Queues the requests in FILE (a JSON array of requests, each optionally with an "id"), then
drives them to the end: next → calls → record, sleeping until the next call is due. A
request whose export is already in the queue file (live, or finished) is not added again,
so running the same command again after a crash or a --max-wait resumes the job: nothing
is lost, and nothing recorded as submitted is POSTed again.
  --queue FILE         the queue file (created when missing; locked while written)
  --requests FILE      the requests JSON; '-' for stdin; omitted: run the queue file as it is
  --base-url URL       the API base, e.g. http://127.0.0.1:8787 (the simulator)
  --region DOMAIN      a Genesys Cloud region: mypurecloud.com, euw2.pure.cloud, ...
                       (API https://api.DOMAIN, tokens from https://login.DOMAIN)
  --login-url URL      where /oauth/token is, when not https://login.DOMAIN or the base URL
  --options FILE       options JSON (integrationId, maxActiveJobs, pollMs, leaseMs, policy, ...)
  --concurrency N      HTTP calls in flight at once (default 8)
  --once               one step (list, next, calls, record), then stop
  --max-wait DURATION  stop waiting after this long (90s, 30m, 2h): exit 3 if items remain
  --dry-run            print the calls that are due now; make none, change nothing
  --json               JSON lines of events (and a final summary) instead of text

Authentication: OAuth client credentials from GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET
(required with --region); the token is cached for the run and refreshed on expiry or a 401.
Secrets never appear in the output.

Exit codes: 0 every request exported; 3 some still waiting at --max-wait (or --once);
4 some failed (each with its reason), or requests/queue file invalid; 2 usage error;
1 the run could not go on (authentication refused, token endpoint unreachable, queue
file lock) or an internal error.`,
  main: `Usage: export-guard <command> [options]

Decide, plan and back off Genesys Cloud export jobs before any HTTP call.

Commands:
  run         the whole export job: queue the requests, then submit, poll, execute and
              retry against Genesys (or the simulator) until every one is exported
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

Exit codes: 0 submit/ok, 3 queue (or nothing due yet), 4 reject (invalid input),
2 usage error, 1 internal error.`,
  decide: `Usage: export-guard decide --request FILE --jobs FILE [--options FILE]

Prints the decision. Exit 0 submit, 3 queue, 4 reject.
  --request FILE   the request JSON ({ start, end, timeZone?, channels, profile? }); '-' or omitted: stdin
  --jobs FILE      the active jobs (a JSON array; [] when there are none)
  --options FILE   options JSON (profile, maxRangeDays, touchingConflicts, now, ...)`,
  plan: `Usage: export-guard plan --request FILE [--granularity hour|day|week] [--workers N]
                         [--time-zone ZONE] [--jobs FILE] [--options FILE]

Prints { windows: [{ start, end, lockKey, worker, blockedBy }], ... }.
  --request FILE       the request JSON; '-' or omitted: stdin (channels optional)
  --granularity G      hour, day (default) or week
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
  enqueue: `Usage: export-guard enqueue --queue FILE --request FILE [--options FILE] [--write]

Prints { queue, added, item }, or for an array of requests { queue, results } (one
{ added, item } or { added: false, errors } each, queued in one pass). A missing queue
file is an empty queue.
  --queue FILE     the queue state JSON
  --request FILE   the request JSON (or an array of them); '-' or omitted: stdin
  --options FILE   options JSON (notBefore, attempts, profile, ...)
  --write          write the new queue back to --queue`,
  drain: `Usage: export-guard drain --queue FILE --jobs FILE [--options FILE] [--write]

Prints { submit, queue, waitingCount } (and waiting, why each item waits, with the option
"waitingDetail": true). The released items stay in the queue, submitting under
a lease: record each POST's answer with 'export-guard record'; an item whose answer is not
recorded within leaseMs is released again (at-least-once). Exit 0 when something can be
submitted or nothing is queued, 3 when every queued item must wait.
  --queue FILE     the queue state JSON (a missing file is an empty queue)
  --jobs FILE      the active jobs (a JSON array)
  --options FILE   options JSON (touchingConflicts, maxActiveJobs, splitByChannel, leaseMs,
                   waitingDetail, ...)
  --write          write the queue back to --queue (under its lock)`,
  next: `Usage: export-guard next --queue FILE [--jobs FILE] [--options FILE] [--write]

Prints { actions, queue, counts, waiting, wakeAt }: each action is an HTTP call
{ kind, key, method, path, body? } to make now. With --write the queue is saved with the
calls leased BEFORE you make them, so a crash loses nothing. Then record each answer.
Exit 0 when there are actions (or every item is final), 3 when nothing is due yet (wait
until wakeAt).
  --queue FILE     the queue state JSON (a missing file is an empty queue)
  --jobs FILE      jobs the API listed (a JSON array; default none)
  --options FILE   options JSON (now, integrationId, maxActiveJobs, leaseMs, pollMs, policy, ...)
  --write          write the queue back to --queue (under its lock)`,
  record: `Usage: export-guard record --queue FILE --key KEY --response FILE [--options FILE] [--write]

Records the answer to the call handed out for KEY. Prints { action, event, item, queue }.
Exit 0; 4 when the answer is refused (STALE_ANSWER: nobody waits for it; drop it).
  --queue FILE     the queue state JSON
  --key KEY        the action's key
  --response FILE  the answer JSON { status, headers?, body? } (status 0: no response); '-': stdin
  --options FILE   options JSON (now, pollMs, policy, ...)
  --write          write the queue back to --queue (under its lock)`,
  prune: `Usage: export-guard prune --queue FILE [--keep N] [--before INSTANT] [--write]

Removes completed and failed items (never live ones). Prints { queue, removed }.
  --queue FILE       the queue state JSON
  --keep N           keep the newest N of them (default 0, or all with --before)
  --before INSTANT   remove those that ended before this instant
  --write            write the queue back to --queue (under its lock)`,
};

const SPEC = {
  run: { values: ['requests', 'queue', 'base-url', 'region', 'login-url', 'max-wait', 'options', 'concurrency'], flags: ['once', 'dry-run', 'json'] },
  decide: { values: ['request', 'jobs', 'options'], flags: [] },
  plan: { values: ['request', 'granularity', 'workers', 'time-zone', 'jobs', 'options'], flags: [] },
  payload: { values: ['request', 'options'], flags: [] },
  schedule: { values: ['policy'], flags: [] },
  'next-retry': { values: ['attempt', 'status', 'retry-after', 'policy'], flags: [] },
  enqueue: { values: ['queue', 'request', 'options'], flags: ['write'] },
  drain: { values: ['queue', 'jobs', 'options'], flags: ['write'] },
  next: { values: ['queue', 'jobs', 'options'], flags: ['write'] },
  record: { values: ['queue', 'key', 'response', 'options'], flags: ['write'] },
  prune: { values: ['queue', 'keep', 'before'], flags: ['write'] },
};

/** Commands that read-modify-write the queue file with --write, under its lock. */
const WRITERS = new Set(['enqueue', 'drain', 'next', 'record', 'prune']);

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
    parsed = util.parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError(usageMessage(err, command));
  }
  if (parsed.values.help) return { help: true };
  return parsed.values;
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

/** The queue file named by --queue (required); a missing file is an empty queue. */
function readQueue(file) {
  if (file === undefined) throw new UsageError('--queue FILE is required');
  return readQueueFile(file, (f, what) => readJsonFile(f, what));
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

function run(command, opts, eg) {
  switch (command) {
    case 'decide': {
      const request = readRequest(opts);
      const jobs = required(opts, 'jobs', 'the active jobs, a JSON array');
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
      const queue = readQueue(opts.queue);
      const request = readRequest(opts);
      const options = optional(opts.options, 'options');
      const r = Array.isArray(request) ? eg.enqueueMany(queue, request, options) : eg.enqueue(queue, request, options);
      if (opts.write) writeAtomic(opts.queue, r.queue);
      return { out: r, code: EXIT.OK };
    }
    case 'drain': {
      const queue = readQueue(opts.queue);
      const jobs = required(opts, 'jobs', 'the active jobs, a JSON array');
      const r = eg.drain(queue, jobs, optional(opts.options, 'options'));
      if (opts.write) writeAtomic(opts.queue, r.queue);
      const code = r.submit.length === 0 && r.waitingCount > 0 ? EXIT.QUEUE : EXIT.OK;
      return { out: r, code };
    }
    case 'next': {
      const queue = readQueue(opts.queue);
      const jobs = opts.jobs === undefined ? null : readJsonFile(opts.jobs, 'jobs');
      const r = eg.next(queue, jobs, optional(opts.options, 'options'));
      if (opts.write) writeAtomic(opts.queue, r.queue);
      const code = r.actions.length === 0 && r.wakeAt !== null ? EXIT.QUEUE : EXIT.OK;
      return { out: r, code };
    }
    case 'record': {
      const queue = readQueue(opts.queue);
      if (opts.key === undefined) throw new UsageError('--key KEY is required (the action\'s key)');
      const response = required(opts, 'response', 'the answer, { status, headers?, body? }');
      const r = eg.record(queue, opts.key, response, optional(opts.options, 'options'));
      if (opts.write) writeAtomic(opts.queue, r.queue);
      return { out: r, code: EXIT.OK };
    }
    case 'prune': {
      const queue = readQueue(opts.queue);
      const options = {};
      if (opts.keep !== undefined) options.keep = wholeNumber(opts.keep, 'keep');
      if (opts.before !== undefined) options.before = opts.before;
      const r = eg.prune(queue, options);
      if (opts.write) writeAtomic(opts.queue, r.queue);
      return { out: r, code: EXIT.OK };
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** `run`: its own loop, output and exit codes (pkg/bin/run.js). */
async function runCommand(opts, eg) {
  const { run, RunUsageError, RunError, RUN_EXIT } = require('./run');
  try {
    return await run(opts, eg, { readJson: readJsonFile });
  } catch (err) {
    if (err instanceof RunUsageError) throw new UsageError(err.message);
    if (err instanceof RunError || err instanceof LockError) {
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
    let result;
    try {
      const locked = WRITERS.has(command) && opts.write && opts.queue !== undefined;
      result = locked ? await withQueueLock(opts.queue, () => run(command, opts, eg)) : run(command, opts, eg);
    } catch (err) {
      if (!(err instanceof eg.ExportGuardError)) throw err;
      process.stdout.write(JSON.stringify({ errors: err.errors }, null, 2) + '\n');
      process.stderr.write(`export-guard: ${err.code}${err.field ? ' at ' + err.field : ''}: ${err.message}\n`);
      return EXIT.REJECT;
    }
    process.stdout.write(JSON.stringify(result.out, null, 2) + '\n');
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
    if (err instanceof LockError) {
      process.stderr.write(`export-guard: ${err.message}\n`);
      return EXIT.INTERNAL;
    }
    process.stderr.write(`export-guard: internal error: ${err && err.stack ? err.stack : err}\n`);
    return EXIT.INTERNAL;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err) => {
  process.stderr.write(`export-guard: internal error: ${err && err.stack ? err.stack : err}\n`);
  process.exitCode = EXIT.INTERNAL;
});
