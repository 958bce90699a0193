/*
 * export-guard: the JS contract, shared by every build.
 *
 * This file is plain ES5 with no module syntax, so the same text serves the Node
 * (CommonJS) entry, the browser (ES module) entry and the ServiceNow (ES5 script)
 * build: `pkg/src/entries.js` wraps it for each. It holds no domain logic: it turns
 * arguments into a JSON string, hands them to the Rust core (`rawCall`), and turns the
 * answer's envelope into a value or an ExportGuardError. The list of operations is the
 * core's (`operations()`, from the table in src/api/table.rs): adding an operation there
 * adds its function here, in every build, with no edit to this file.
 */

/**
 * Builds the public API around a raw entry point.
 * @param {function(string, string, number): string} rawCall  the core: (operation, argsJson, nowMs) -> envelope JSON
 * @param {function(): number} clock  current time in epoch milliseconds (Date.now)
 * @param {{reset: function(): void, trap: function(): void}} [instance]  replaces the
 *   core's instance with a fresh one (`reset`), and stops the current one with a real
 *   wasm trap (`trap`, for the recovery tests only)
 */
function createExportGuard(rawCall, clock, instance) {
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

  // A replacer function takes JSON.stringify off V8's fast path (about 3x slower on a
  // thousand jobs), so it runs only when the plain text may hide a NaN or an Infinity
  // (they become null) or the plain call fails (a BigInt throws).
  function encode(args) {
    try {
      var text;
      try {
        text = JSON.stringify(args);
      } catch (plain) {
        text = null;
      }
      return text !== null && text.indexOf('null') === -1 ? text : JSON.stringify(args, replacer);
    } catch (err) {
      if (err instanceof ExportGuardError) throw err; // a stale PreparedJobs (toJSON)
      throw new ExportGuardError('INVALID_ARGUMENT', '', 'arguments cannot be turned into JSON (' +
        (err && err.message) + '); pass plain objects, arrays, strings, numbers and booleans');
    }
  }

  // How many times the core's instance was replaced after a trap: a PreparedJobs
  // remembers the generation that made it, since a fresh instance has none of the old
  // lists (and would reuse their numbers).
  var generation = 0;
  var trapNext = false;

  // The core never panics on input, and inputs over its limits are refused, but a trap
  // (out of memory, a bug) leaves a wasm instance unusable: its stack pointer and
  // allocator stay wherever the trap left them. So the instance is replaced with a
  // fresh one, this call fails with CORE_TRAPPED, and the next call works.
  function trapped(op, err) {
    var why = (err && err.message) || String(err);
    var what = 'the export-guard core stopped during ' + op + ' (' + why + ')';
    if (!instance) {
      return new ExportGuardError('CORE_TRAPPED', '', what + '; this runtime cannot replace it: load export-guard again');
    }
    try {
      instance.reset();
    } catch (e) {
      return new ExportGuardError('CORE_TRAPPED', '', what + ', and a fresh instance could not be made (' +
        ((e && e.message) || e) + '): load export-guard again');
    }
    generation++;
    return new ExportGuardError('CORE_TRAPPED', '', what + '. It was replaced with a fresh instance, so the next ' +
      'call works; prepared job lists made before are gone (prepare them again). If the input was very large, ' +
      'split it (see limits()); otherwise please report this with the input.');
  }

  function invoke(op, args) {
    var text = encode(args), answer;
    try {
      if (trapNext) {
        trapNext = false;
        instance.trap();
      }
      answer = rawCall(op, text, clock());
    } catch (err) {
      throw trapped(op, err);
    }
    var out = JSON.parse(answer);
    if (out.error) {
      throw new ExportGuardError(out.error.code, out.error.field, out.error.message, out.errors);
    }
    return out.ok;
  }

  // Where the runtime has it (Node, browsers; not Rhino), a prepared list that the
  // program drops without free() is freed once the garbage collector has collected its
  // object, so a long-running process that forgets to free does not run into the core's
  // limit of 1,000 live lists. free() stays the way to release one promptly.
  var collected = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry(function (held) {
      if (held.generation !== generation) return; // its instance, and the list, are gone
      try { invoke(held.free, [held.index]); } catch (e) { /* nothing to report to: best effort */ }
    })
    : null;

  function stale(what) {
    return new ExportGuardError('STALE_HANDLE', what === 'queue' ? 'queue' : 'activeJobs', 'this ' +
      (what === 'queue' ? 'kept queue' : 'prepared job list') + ' belonged to an export-guard instance that ' +
      'was replaced after a CORE_TRAPPED error, and is gone with it: ' +
      (what === 'queue' ? 'loadQueue its last saved state again' : 'call prepareJobs again'));
  }

  /**
   * A job list parsed once and kept inside the core: pass it wherever activeJobs go
   * (it serialises as a handle). Call free() when done; at most 1,000 live at once (in
   * Node and browsers, dropped ones are freed by the garbage collector as well).
   */
  function PreparedJobs(info) {
    this.index = info.$index;
    this.count = info.count;
    this.profile = info.profile;
    // Not enumerable: the object still serialises and compares as before.
    Object.defineProperty(this, 'generation', { value: generation });
    if (collected) collected.register(this, { free: 'freeJobs', index: this.index, generation: generation }, this);
  }
  PreparedJobs.prototype.toJSON = function () {
    if (this.generation !== generation) throw stale('jobs');
    return { $index: this.index };
  };
  PreparedJobs.prototype.free = function () {
    if (collected) collected.unregister(this);
    if (this.generation !== generation) return false; // gone with its instance
    return invoke('freeJobs', [this.index]);
  };
  PreparedJobs.prototype.toString = function () {
    return '[PreparedJobs #' + this.index + ': ' + this.count + ' jobs]';
  };

  /**
   * A queue kept inside the core (loadQueue): pass it wherever a queue state goes. The
   * queue operations then update it in place and answer this same object as `queue`,
   * so no state is parsed or written per call. state() gives the JSON to save; free()
   * releases it (in Node and browsers, a dropped handle is freed after collection too).
   */
  function QueueHandle(info) {
    this.index = info.$queue;
    this.count = info.count;
    Object.defineProperty(this, 'generation', { value: generation });
    if (collected) collected.register(this, { free: 'freeQueue', index: this.index, generation: generation }, this);
  }
  QueueHandle.prototype.toJSON = function () {
    if (this.generation !== generation) throw stale('queue');
    return { $queue: this.index };
  };
  QueueHandle.prototype.state = function () {
    return invoke('queueState', [this]);
  };
  QueueHandle.prototype.free = function () {
    if (collected) collected.unregister(this);
    if (this.generation !== generation) return false;
    return invoke('freeQueue', [this.index]);
  };
  QueueHandle.prototype.toString = function () {
    return '[QueueHandle #' + this.index + ']';
  };

  // The operations come from the core's own table (src/api/table.rs), so this file never
  // lists them: each becomes a function taking the table's parameters, in order.
  var api = { ExportGuardError: ExportGuardError, PreparedJobs: PreparedJobs, QueueHandle: QueueHandle };
  var table = invoke('operations', []);
  for (var i = 0; i < table.length; i++) api[table[i].name] = operation(table[i]);

  // For the recovery tests, not part of the contract (not enumerable): trapNextCall()
  // makes the next call stop the core with a real wasm trap before it runs; instances()
  // says how many instances this API has used (1 + replacements).
  Object.defineProperty(api, '__testing', {
    value: {
      trapNextCall: function () {
        if (!instance) throw new Error('this runtime gave createExportGuard no instance to trap');
        trapNext = true;
      },
      instances: function () { return generation + 1; }
    }
  });

  /**
   * An HTTP answer as the core reads it. A fetch Response keeps status and headers in
   * getters (JSON.stringify sees none of them) and a Headers object serialises as {}:
   * both become plain objects here. Plain objects (the SDK's error body, its extended
   * response, export-guard's own { status, headers, body }) pass as they are.
   */
  function plainResponse(r) {
    if (r === null || typeof r !== 'object') return r;
    var headers = r.headers;
    var hasHeaderObject = headers && typeof headers.forEach === 'function' && !(headers instanceof Array);
    var ownStatus = Object.prototype.hasOwnProperty.call(r, 'status');
    if (!hasHeaderObject && (ownStatus || typeof r.status !== 'number')) return r;
    var out = {};
    for (var k in r) if (Object.prototype.hasOwnProperty.call(r, k)) out[k] = r[k];
    if (!ownStatus) out.status = r.status;
    if (hasHeaderObject) {
      out.headers = {};
      headers.forEach(function (value, key) { out.headers[key] = value; });
    }
    return out;
  }

  function operation(op) {
    var name = op.name;
    var responseAt = op.params.indexOf('response');
    var queueAt = op.params.indexOf('queue');
    // Every argument goes to the core, which refuses more than the table declares (a
    // misplaced argument is a bug to report, not to drop); trailing undefineds are absent.
    function args(list) {
      var a = Array.prototype.slice.call(list);
      if (responseAt >= 0 && responseAt < a.length) a[responseAt] = plainResponse(a[responseAt]);
      return a;
    }
    if (op.returns === 'decision') {
      // A decision never throws for bad data: errors come back as a reject decision.
      return function () {
        try {
          return invoke(name, args(arguments));
        } catch (err) {
          if (!(err instanceof ExportGuardError)) throw err;
          return { action: 'reject', conflicts: [], freeWindows: [], errors: err.errors };
        }
      };
    }
    if (op.returns === 'preparedJobs') {
      return function () {
        return new PreparedJobs(invoke(name, args(arguments)));
      };
    }
    if (op.returns === 'queueHandle') {
      return function () {
        return new QueueHandle(invoke(name, args(arguments)));
      };
    }
    if (queueAt >= 0) {
      // Given a kept queue, the core answers its handle as `queue`: the caller gets the
      // same QueueHandle back, so `queue = op(queue, ...).queue` works for both kinds.
      return function () {
        var out = invoke(name, args(arguments));
        var given = arguments[queueAt];
        if (given instanceof QueueHandle && out && out.queue && out.queue.$queue === given.index) out.queue = given;
        return out;
      };
    }
    return function () {
      return invoke(name, args(arguments));
    };
  }
  return api;
}
