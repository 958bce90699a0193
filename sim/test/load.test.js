'use strict';
// A small load run with every fault on: the guarded client's invariants (0 lost,
// 0 duplicates, every export exactly once, 409s at most 1% of POSTs), the naive
// client's 409s (proof that the simulator enforces the lock), one fault at a time,
// and a guarded run stopped midway and resumed from its queue file.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runOne, FAULTS, FAULT_CASES } = require('../run');
const { workload } = require('../workload');
const { SimClock } = require('../clock');
const { createSimulator } = require('../server');
const { runGuarded } = require('../guarded');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eg-sim-test-'));
const base = { workers: 16, scale: 400, seed: 11, outDir: dir, deadlineMs: 6 * 3600000 };
const requests = workload({ count: 80, seed: 11 });

function assertGuardedInvariants(r, { sharedQueue = true, jobsMayFail = false, answersLost = 0 } = {}) {
  assert.equal(r.lost, 0, `lost requests: ${r.lostIds.join(', ')}`);
  // A POST whose answer was lost to a SIGKILL is resubmitted where the API cannot list
  // jobs (at-least-once): at most that many duplicates; recording jobs are found instead.
  assert.ok(r.duplicateExports <= answersLost, `${r.duplicateExports} exports ran twice, ${answersLost} answers were lost`);
  assert.equal(r.recordingDuplicates, 0, 'a recording export ran twice');
  assert.equal(r.unexpected, 0, 'an export nobody asked for');
  assert.equal(r.exported + r.failed, r.requests, 'every request ends exported or failed with a reason');
  if (jobsMayFail) {
    // A job that FAILS more than maxJobFailures times in a row is reported, not retried
    // forever: rare, but the seeded simulator cannot make it impossible.
    assert.deepEqual(Object.keys(r.failures).filter((k) => k !== 'job FAILED'), [], JSON.stringify(r.failures));
    assert.ok(r.exportedOnce >= r.uniqueExports - r.failed);
  } else {
    // Every distinct export a request asked for ran: exactly once, but for the keys whose
    // answer was lost (one key can be in doubt at two kills, and run three times; the
    // extra runs are bounded by the lost answers above).
    assert.equal(r.failed, 0, JSON.stringify(r.failures));
    assert.equal(r.exportedOnce, r.uniqueExports - r.duplicateKeys);
  }
  if (sharedQueue) assert.ok(r.c409 <= 0.01 * r.posts, `${r.c409} 409s for ${r.posts} POSTs`);
  // Every 409 was taken as "decide again", never as a failure or a blind retry.
  assert.equal(r.counters.rechecks, r.c409);
}

test('guarded client under every fault: nothing lost, nothing twice, 409s ≤ 1%', async () => {
  const r = await runOne('guarded', { ...base, requests, faults: FAULTS });
  assertGuardedInvariants(r, { jobsMayFail: true });
  // Recording jobs are exported only through READY and the creator's PUT.
  assert.equal(r.recordingExecuted, r.recordingExports);
  assert.equal(r.restarts, 1);
  assert.ok(r.posts >= r.uniqueExports);
});

test('naive client on the same workload runs into 409s (the simulator enforces the lock)', async () => {
  const r = await runOne('naive', { ...base, requests, faults: FAULTS });
  assert.ok(r.c409 > 0, 'no 409 at all');
  assert.ok(r.failed > 0);
  assert.equal(r.exported + r.failed + r.lost, r.requests);
});

for (const [name, faults] of Object.entries(FAULT_CASES)) {
  test(`guarded client, one fault: ${name}`, async () => {
    const small = workload({ count: 40, seed: 5, mix: faults.mix });
    const r = await runOne(faults.client || 'guarded', { ...base, requests: small, faults, name: name.replace(/\W+/g, '-') });
    // Two clients with separate queues race each other: 409s are expected, losses not.
    const c = r.counters;
    assertGuardedInvariants(r, { sharedQueue: faults.client !== 'guarded-pair', jobsMayFail: faults.failRate > 0,
      answersLost: c.kills ? c.inDoubt - c.inDoubtListable : 0 });
    if (faults.kills) {
      assert.equal(c.kills, faults.kills.length, 'the client finished before it was killed: the case tests nothing');
      if (faults.kills[0].point === 'after-next') assert.equal(r.duplicateExports, 0, 'no call was made: nothing may run twice');
      else assert.ok(c.inDoubt > 0, `no POST answer was lost: the case tests nothing ${JSON.stringify(c)}`);
      if (faults.mix && faults.kills[0].point === 'after-calls') {
        // Recording jobs can be listed: a lost answer is explained by a find (or, when the
        // POST was refused, resubmitted), and none runs twice.
        assert.ok(c.inDoubtListable > 0 && c.found <= c.inDoubtListable, JSON.stringify(c));
        assert.equal(r.duplicateExports, 0);
      }
    }
    if (faults.restartAfterJobs) assert.ok(r.counters.lost > 0, 'the restart lost no job of ours: the case tests nothing');
    if (faults.failRate) assert.ok(r.counters.failedJobs > 0, 'no job failed: the case tests nothing');
    if (faults.dailyLimit) {
      assert.ok(r.c429 > 0, 'the daily limit never hit: the case tests nothing');
      assert.ok(r.counters.maxWaitMs >= 3600000, `waited ${r.counters.maxWaitMs} ms: a daily limit's Retry-After is hours`);
    }
    if (faults.mix) {
      // Every recording job went PENDING → READY → PUT → PROCESSING → FULFILLED.
      assert.ok(r.recordingExports > 0);
      assert.equal(r.recordingExecuted, r.recordingExports);
      // The client's own count of executes; after a kill some execute answers are lost
      // (the audit above is the check then).
      if (!faults.kills) assert.equal(r.counters.executed >= r.recordingExports, true);
    }
    if (faults.retryAfterSeconds) {
      assert.ok(r.c429 > 0, 'never rate limited: the case tests nothing');
      assert.equal(r.counters.maxWaitMs, faults.retryAfterSeconds * 1000, 'Retry-After beyond the cap must be honoured');
    }
  });
}

test('a guarded run stopped midway resumes from its queue file', async () => {
  const clock = new SimClock({ scale: 400 });
  const sim = createSimulator({ clock, seed: 3 });
  const baseUrl = await sim.start(0);
  const queueFile = path.join(dir, 'resume-queue.json');
  const small = workload({ count: 40, seed: 9 });
  try {
    const first = await runGuarded({ baseUrl, requests: small, clock, queueFile, workers: 8, deadlineMs: 60000 });
    const unfinished = first.perRequest.filter((p) => p.status === 'unfinished').length;
    assert.ok(unfinished > 0, 'the first part finished everything: the test tests nothing');
    const saved = JSON.parse(fs.readFileSync(queueFile, 'utf8'));
    assert.ok(saved.queue.items.some((i) => i.state !== 'completed' && i.state !== 'failed'));
    const second = await runGuarded({ baseUrl, requests: small, clock, queueFile, workers: 8 });
    assert.equal(second.perRequest.filter((p) => p.status !== 'exported').length, 0);
    const audit = sim.audit();
    assert.equal(audit.duplicates.length, 0);
    // The simulator exported exactly the exports that were asked for: the same keys,
    // each once (the queue key and the simulator's export key have the same form).
    const asked = [...new Set(second.perRequest.map((p) => p.key))].sort();
    assert.deepEqual(audit.exports.map((e) => e.key).sort(), asked);
  } finally {
    await sim.stop();
  }
});
