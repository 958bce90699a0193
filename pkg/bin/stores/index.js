'use strict';
// Where a queue lives, chosen by --store (or EXPORT_GUARD_STORE):
//   file:queue.json or a bare path   one machine: a locked, atomically written file
//   postgres://user:pass@host:port/db?table=NAME
//                                    runners on many machines share one queue
const { FileStore, LockError, writeAtomic } = require('./file');
const { StoreError, maskText } = require('./postgres');

/**
 * Opens the store named by `spec`. `io.readJson(file, what)` reads JSON files (the
 * CLI's, with its messages); `io.onNote(text)` is told of waits for a server.
 */
function openStore(spec, io = {}) {
  if (typeof spec !== 'string' || !spec.trim()) throw new StoreError('no store: give --store FILE or --store postgres://...', 2);
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(spec);
  // A Windows drive letter (C:\...) is a path, not a scheme.
  const scheme = m && m[1].length > 1 ? m[1].toLowerCase() : null;
  if (scheme === null) return new FileStore(spec, io);
  if (scheme === 'file') return new FileStore(spec.replace(/^file:(\/\/)?/i, ''), io);
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const { PgStore } = require('./postgres');
    return new PgStore(spec, io);
  }
  throw new StoreError(`unknown store scheme '${scheme}:' in '${maskText(spec)}': use a file path, file:PATH or postgres://user:password@host:port/database`, 2);
}

module.exports = { openStore, StoreError, LockError, writeAtomic };
