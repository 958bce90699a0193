/*
 * export-guard: the driver loop, written once for every runtime.
 *
 * Plain ES5 with no module syntax and no Promise, like contract.js: the same text runs
 * in Node (`export-guard run`, the simulator's client) and in ServiceNow's Rhino (the
 * runner Script Include), wrapped for each by pkg/src/entries.js and es5-build.js. It
 * holds no protocol: the core's `next` says which calls are due (submit, poll, execute,
 * find, list, results) and `record` reads every answer. The loop only keeps its rule:
 *
 *   claim → load → next(now) → SAVE (the calls are leased) → release
 *   → perform the calls → for each answer: claim → load → record → save → release
 *   → sleep until wakeAt
 *
 * so a crash at any point loses nothing: a call whose answer was never recorded is
 * handed out again when its lease expires (see the core's lifecycle).
 *
 * It runs over three small interfaces. Every callback may be called synchronously
 * (Rhino, where nothing waits) or later (Node): the loop trampolines, so neither grows
 * the stack.
 *
 *   store.update(fn, cb)   claims the queue, loads its state, calls fn(state), which
 *                          answers { queue, value } (queue null: nothing to save), saves
 *                          the new state, releases the claim, then cb(err, value). A
 *                          throwing fn saves nothing. A store may keep the queue loaded
 *                          (a QueueHandle) for the duration of a round.
 *   transport.perform(action, cb)
 *                          makes the action's HTTP call and answers cb({ status,
 *                          headers, body }), body as the response text (status 0: no
 *                          answer; body then says why). Never calls cb with an error.
 *   clock.now()            epoch milliseconds;
 *   clock.sleep(ms, cb)    optional: without it (ServiceNow) a round ends when nothing
 *                          is due, and the next scheduled run continues.
 */
function createDriver(eg) {
  'use strict';

  /** Runs body(again) until it calls again(err) or again(null, true); trampolined. */
  function repeat(body, done) {
    var inside = false, pending = false, finished = false;
    function again(err, stop) {
      if (finished) return;
      if (err || stop) {
        finished = true;
        return done(err || null);
      }
      if (inside) {
        pending = true;
        return;
      }
      spin();
    }
    function spin() {
      do {
        pending = false;
        inside = true;
        body(again);
        inside = false;
      } while (pending && !finished);
    }
    spin();
  }

  /** task(item, cb) for every item, at most `limit` at once; then done(). Trampolined. */
  function each(items, limit, task, done) {
    var started = 0, running = 0, ended = 0, launching = false, again = false;
    if (!items.length) return done();
    function finish() {
      running--;
      ended++;
      if (ended === items.length) return done();
      launch();
    }
    function launch() {
      if (launching) {
        again = true;
        return;
      }
      launching = true;
      do {
        again = false;
        while (running < limit && started < items.length) {
          running++;
          task(items[started++], finish);
        }
      } while (again);
      launching = false;
    }
    launch();
  }

  function copy(o) {
    var out = {};
    for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) out[k] = o[k];
    return out;
  }

  /**
   * new Driver({ store, transport, clock, options?, concurrency?, onEvent? })
   *   options      the options of next and record (integrationId, clientId, pollMs,
   *                leaseMs, policy, maxActiveJobs, watch, ...); `now` is the clock's
   *   concurrency  calls in flight at once (default 8; 1 for a synchronous transport)
   *   onEvent(e)   told of every step and answer: { type: 'next', step },
   *                { type: 'record', action, result } or { type: 'stale', action, error }
   *   sink(action, result)
   *                with `fetchResults`, told of every results page record read
   *                (result.results: { page, last, records, skipped }), synchronously
   *                and under the store's claim, before the queue (and so the page's
   *                cursor) is saved: a crash after it fetches that page again, never
   *                skips one. A throwing sink saves nothing and ends the run.
   */
  function Driver(config) {
    if (!config || !config.store || !config.transport || !config.clock) {
      throw new TypeError('Driver needs { store, transport, clock }');
    }
    this.store = config.store;
    this.transport = config.transport;
    this.clock = config.clock;
    this.options = config.options || {};
    this.concurrency = config.concurrency || 8;
    this.onEvent = config.onEvent || function () {};
    this.sink = config.sink || null;
    if (this.options.fetchResults && !this.sink) {
      throw new TypeError('Driver: fetchResults needs a sink (where each results page goes), or its pages would be read and lost');
    }
  }

  Driver.prototype.opts = function () {
    var o = copy(this.options);
    o.now = this.clock.now();
    return o;
  };

  /**
   * One step: next (saved before any call), the due calls, each answer recorded and
   * saved as it arrives. cb(err, { step, results }): step is next's answer (actions,
   * counts, waiting, wakeAt, done), results what record answered, in action order.
   */
  Driver.prototype.step = function (cb) {
    var self = this;
    self.store.update(function (queue) {
      var s = eg.next(queue, null, self.opts());
      return { queue: s.queue, value: s };
    }, function (err, step) {
      if (err) return cb(err);
      self.onEvent({ type: 'next', step: step });
      var results = [];
      var list = [];
      for (var i = 0; i < step.actions.length; i++) list.push(i);
      var failure = null;
      each(list, self.concurrency, function (i, done) {
        var action = step.actions[i];
        self.transport.perform(action, function (answer) {
          self.record(action, answer, function (e, r) {
            if (e && !failure) failure = e;
            results[i] = r || null;
            done();
          });
        });
      }, function () {
        cb(failure, { step: step, results: results });
      });
    });
  };

  /** What record reads of an action: its key, kind and page (not the payload it sent). */
  function answering(action) {
    var a = { key: action.key, kind: action.kind };
    if (action.page !== undefined) a.page = action.page;
    return a;
  }

  /** Records one answer (under the store's claim); a late answer (STALE_ANSWER) is dropped. */
  Driver.prototype.record = function (action, answer, cb) {
    var self = this;
    self.store.update(function (queue) {
      var r;
      try {
        r = eg.record(queue, answering(action), answer, self.opts());
      } catch (e) {
        if (!(e instanceof eg.ExportGuardError) || e.code !== 'STALE_ANSWER') throw e;
        return { queue: null, value: { stale: e } };
      }
      if (r.results) {
        // next hands out results calls only with fetchResults, which needs a sink.
        if (!self.sink) throw new Error('export-guard: a results page was read with no sink to write it to; give the Driver a sink with fetchResults');
        self.sink(action, r);
      }
      return { queue: r.queue, value: r };
    }, function (err, r) {
      if (err) return cb(err);
      if (r.stale) self.onEvent({ type: 'stale', action: action, error: r.stale });
      else self.onEvent({ type: 'record', action: action, result: r });
      cb(null, r.stale ? null : r);
    });
  };

  /**
   * Steps until the queue is done (next says so), a call is refused for want of
   * credentials, `limits.deadline` (epoch ms) would be passed by the next sleep,
   * `limits.maxSteps` steps were made, `limits.until(stepResult)` answers a reason to
   * stop, or, with `limits.once` or a clock that cannot sleep, nothing more is due now.
   * cb(err, { stop, steps, calls, wakeAt, denied }): stop is 'done', 'denied',
   * 'deadline', 'steps', 'once', 'waiting' or what `until` answered.
   */
  Driver.prototype.run = function (limits, cb) {
    var self = this;
    limits = limits || {};
    var out = { stop: null, steps: 0, calls: 0, wakeAt: null, denied: null };
    repeat(function (again) {
      self.step(function (err, r) {
        if (err) return again(err);
        out.steps++;
        out.calls += r.step.actions.length;
        out.wakeAt = r.step.wakeAt;
        for (var i = 0; i < r.results.length; i++) {
          if (r.results[i] && r.results[i].event === 'denied' && !out.denied) out.denied = r.results[i];
        }
        if (out.denied) return stop('denied');
        var why = limits.until ? limits.until(r) : null;
        if (why) return stop(why);
        if (r.step.done && !r.step.actions.length) return stop('done');
        if (limits.maxSteps && out.steps >= limits.maxSteps) return stop('steps');
        if (r.step.actions.length) return limits.once ? stop('once') : again();
        if (r.step.wakeAt === null) return stop('done');
        if (limits.once) return stop('once');
        var now = self.clock.now();
        var wait = Math.max(1, Date.parse(r.step.wakeAt) - now);
        if (!self.clock.sleep) return stop('waiting');
        if (limits.deadline !== undefined && now + wait > limits.deadline) return stop('deadline');
        self.clock.sleep(wait, function () { again(); });
      });
      function stop(why) {
        out.stop = why;
        again(null, true);
      }
    }, function (err) {
      cb(err, out);
    });
  };

  return Driver;
}
