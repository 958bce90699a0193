/*
 * export-guard: the JS contract, shared by every build.
 *
 * This file is plain ES5 with no module syntax, so the same text serves the Node
 * (CommonJS) entry, the browser (ES module) entry and the ServiceNow (ES5 script)
 * build: `pkg/src/entries.js` wraps it for each. It holds no domain logic: it turns
 * arguments into a JSON string, hands them to the Rust core (`rawCall`), and turns the
 * answer's envelope into a value or an ExportGuardError.
 */

/**
 * Builds the public API around a raw entry point.
 * @param {function(string, string, number): string} rawCall  the core: (operation, argsJson, nowMs) -> envelope JSON
 * @param {function(): number} clock  current time in epoch milliseconds (Date.now)
 */
function createExportGuard(rawCall, clock) {
  'use strict';

  /**
   * The error every function but `decide` throws: a real Error with a stable `code`,
   * the `field` path it concerns, and `errors` (all problems found, the first being
   * this one).
   */
  function ExportGuardError(code, field, message, errors) {
    var e = new Error(message);
    this.name = 'ExportGuardError';
    this.message = message;
    this.code = code;
    this.field = field || '';
    this.errors = errors || [{ code: code, field: this.field, message: message }];
    if (typeof Error.captureStackTrace === 'function') {
      Error.captureStackTrace(this, ExportGuardError);
    } else {
      this.stack = e.stack;
    }
  }
  ExportGuardError.prototype = Object.create(Error.prototype);
  ExportGuardError.prototype.constructor = ExportGuardError;
  ExportGuardError.prototype.toJSON = function () {
    return { name: this.name, code: this.code, field: this.field, message: this.message, errors: this.errors };
  };

  // NaN and Infinity would silently become null in JSON: send them as strings so the
  // core reports a type error naming the field. BigInt cannot be serialised: same.
  function replacer(key, value) {
    if (typeof value === 'number' && !isFinite(value)) return String(value);
    if (typeof value === 'bigint') return String(value);
    return value;
  }

  function encode(args) {
    try {
      return JSON.stringify(args, replacer);
    } catch (err) {
      throw new ExportGuardError('INVALID_ARGUMENT', '', 'arguments cannot be turned into JSON (' +
        (err && err.message) + '); pass plain objects, arrays, strings, numbers and booleans');
    }
  }

  function invoke(op, args) {
    var out = JSON.parse(rawCall(op, encode(args), clock()));
    if (out.error) {
      throw new ExportGuardError(out.error.code, out.error.field, out.error.message, out.errors);
    }
    return out.ok;
  }

  /**
   * A job list parsed once and kept inside the core: pass it wherever activeJobs go
   * (it serialises as a handle). Call free() when done; at most 1,000 live at once.
   */
  function PreparedJobs(info) {
    this.index = info.$index;
    this.count = info.count;
    this.profile = info.profile;
  }
  PreparedJobs.prototype.toJSON = function () {
    return { $index: this.index };
  };
  PreparedJobs.prototype.free = function () {
    return invoke('freeJobs', [this.index]);
  };

  return {
    ExportGuardError: ExportGuardError,
    PreparedJobs: PreparedJobs,

    /** Parses activeJobs once for many decide/decideMany/drain/plan calls: a PreparedJobs. */
    prepareJobs: function (activeJobs, options) {
      return new PreparedJobs(invoke('prepareJobs', [activeJobs, options]));
    },

    /** Decides submit / queue / reject for one request. Never throws for bad data. */
    decide: function (request, activeJobs, options) {
      try {
        return invoke('decide', [request, activeJobs, options]);
      } catch (err) {
        if (!(err instanceof ExportGuardError)) throw err;
        return { action: 'reject', conflicts: [], freeWindows: [], errors: err.errors };
      }
    },
    /**
     * Decides many requests against one job list, parsed once (batch triage). Throws for
     * bad jobs or options; a bad request gives a reject decision in its place.
     */
    decideMany: function (requests, activeJobs, options) {
      return invoke('decideMany', [requests, activeJobs, options]);
    },
    /** The request body (or one per channel with options.splitByChannel). */
    buildPayload: function (request, options) {
      return invoke('buildPayload', [request, options]);
    },
    /** Disjoint windows aligned to local hours/days/weeks, dealt to workers. */
    plan: function (request, options) {
      return invoke('plan', [request, options]);
    },
    /** Adds a request to a queue state (null = empty): { queue, added, item }. */
    enqueue: function (queue, request, options) {
      return invoke('enqueue', [queue, request, options]);
    },
    /**
     * Adds many requests in one call (the queue is read and written once):
     * { queue, results }, one { added, item } or { added: false, errors } per request.
     * Throws for a bad queue or bad options.
     */
    enqueueMany: function (queue, requests, options) {
      return invoke('enqueueMany', [queue, requests, options]);
    },
    /** What can be submitted now: { submit, queue, waiting }. */
    drain: function (queue, activeJobs, options) {
      return invoke('drain', [queue, activeJobs, options]);
    },
    /** Previews the delays of a backoff policy. */
    schedule: function (policy) {
      return invoke('schedule', [policy]);
    },
    /** What to do after a response: retry / recheck / give-up / done, with delayMs. */
    nextRetry: function (attempt, response, policy, options) {
      return invoke('nextRetry', [attempt, response, policy, options]);
    },
    /** The endpoint profiles. */
    profiles: function () {
      return invoke('profiles', []);
    },
    /** IANA zones carried by this build. */
    timeZones: function () {
      return invoke('timeZones', []);
    },
    /** Valid channel names: { mediaTypes, messageTypes }. */
    channels: function () {
      return invoke('channels', []);
    },
    /** The core's version. */
    version: function () {
      return invoke('version', []);
    }
  };
}
