'use strict';
// The file store: a queue in one JSON file, for one machine. Every change is made under
// an inter-process lock (proper-lockfile: a FILE.lock folder, refreshed while held,
// taken over when its holder died and left it stale for 10 s) and written atomically
// (temporary file, fsync, rename, fsync of the folder), so concurrent processes never
// lose each other's changes and a crash leaves the old file or the new one.
const fs = require('fs');
const path = require('path');
const lockfile = require('proper-lockfile');

class LockError extends Error {}

/** Writes a file so that a reader sees the old content or the new, never a part. */
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

/** Runs `fn` holding the queue file's lock; waits up to about a minute for a live holder. */
async function withLock(file, fn) {
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

class FileStore {
  /**
   * @param {string} file  the queue file ('-': stdin, read-only)
   * @param {{ readJson(file: string, what: string): any, sync?: boolean }} io  reads a JSON
   *   file (the CLI's, with its messages); `sync: false` skips fsync (the load run's
   *   simulated clock: the page cache outlives a killed process)
   */
  constructor(file, io) {
    this.file = file;
    this.io = io;
  }

  describe() {
    return `file:${this.file}`;
  }

  /** The state, or null for a missing file (an empty queue). */
  async read() {
    if (this.file !== '-' && !fs.existsSync(this.file)) return null;
    return this.io.readJson(this.file, 'queue');
  }

  /** Claims, loads, fn(state) -> { queue, value }, saves (unless queue is null), releases. */
  async updateAsync(fn) {
    if (this.file === '-') throw new LockError('the queue on stdin cannot be written: give --store FILE');
    return withLock(this.file, () => {
      const state = this.file !== '-' && fs.existsSync(this.file) ? this.io.readJson(this.file, 'queue') : null;
      const r = fn(state);
      if (r.queue) writeAtomic(this.file, r.queue);
      return r.value;
    });
  }

  /** The driver's form of updateAsync. */
  update(fn, cb) {
    this.updateAsync(fn).then((v) => cb(null, v), cb);
  }

  async close() {}
}

module.exports = { FileStore, LockError, writeAtomic };
