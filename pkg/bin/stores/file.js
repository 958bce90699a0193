'use strict';
// The queue file of the CLI: read, locked across processes, written atomically. Shared
// by the one-shot commands (enqueue, next, record, prune, drain with --write) and `run`.
const fs = require('fs');
const path = require('path');

/** Reads a queue file with `readJson(file, what)`; a missing file is an empty queue (null). */
function readQueue(file, readJson) {
  if (file !== '-' && !fs.existsSync(file)) return null;
  return readJson(file, 'queue');
}

/**
 * Writes a file so that a reader sees the old content or the new, never a part, even if
 * this process dies midway: a temporary file beside it, fsync, rename over, fsync the
 * folder (so the rename itself survives a crash).
 */
function writeAtomic(file, value) {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, JSON.stringify(value, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  try {
    const d = fs.openSync(dir, 'r');
    try { fs.fsyncSync(d); } finally { fs.closeSync(d); }
  } catch {
    // Some platforms cannot fsync a folder; the rename is still atomic.
  }
}

/**
 * Runs `fn` holding the inter-process lock of a queue file, so that concurrent
 * read-modify-write cycles (enqueue --write, drain --write) never lose each other's
 * changes. The lock is proper-lockfile's: a `FILE.lock` folder created atomically,
 * refreshed while held, and taken over when stale (its holder died: no refresh for
 * 10 s). Waits up to about a minute for a live holder.
 */
async function withQueueLock(file, fn) {
  const lockfile = require('proper-lockfile');
  let compromised = null;
  let release;
  try {
    release = await lockfile.lock(file, {
      realpath: false, // the queue file may not exist yet
      stale: 10000,
      update: 2000,
      retries: { retries: 300, factor: 1.2, minTimeout: 10, maxTimeout: 250, randomize: true },
      onCompromised: (err) => { compromised = err; },
    });
  } catch (err) {
    throw new LockError(`cannot lock the queue file '${file}': ${err.code === 'ELOCKED' ? 'another process holds it' : err.message}`);
  }
  try {
    const result = fn();
    if (compromised) throw new LockError(`the lock of '${file}' was lost while writing (${compromised.message}); nothing may be assumed written`);
    return result;
  } finally {
    await release().catch(() => {});
  }
}

class LockError extends Error {}

module.exports = { readQueue, writeAtomic, withQueueLock, LockError };
