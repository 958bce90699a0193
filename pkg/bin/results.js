'use strict';
// `run --results DIR`: where a details job's results go. The core hands out each page
// (results actions) and says which of its records this item owns (a conversation that
// adjacent windows of one bulk request both return is owned by the window it started
// in); this file only writes them:
//
//   DIR/.pages/<item key>/<job id>/<page>.ndjson
//                          each page as it is read, written atomically (tmp, fsync,
//                          rename, fsync of the folder) before the queue saves the page's
//                          cursor, so a crash refetches a page and never skips one. By
//                          job id: the pages of a job made again never mix with its
//                          earlier job's;
//   DIR/<request>.ndjson   once every part of a request is exported: its parts' pages in
//                          part order (the parts' windows follow each other in time; each
//                          part's pages in the order Genesys gives them), one record per
//                          line, whole or absent (the same atomic write).
const fs = require('fs');
const path = require('path');

/** A name that is safe as one path segment on every filesystem. */
function safe(name) {
  const s = String(name).replace(/^#(\d+)$/, 'request-$1').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return s.slice(0, 200) || '_';
}

/** Makes a rename or a new file in `dir` durable: without it a power loss may undo it. */
function syncDir(dir) {
  let fd;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    // Some filesystems (and Windows) cannot open or fsync a folder; the rename stands.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes(e.code)) throw e;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes `text` to `file` so that the file is the old one or the whole new one, on disk. */
function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  syncDir(path.dirname(file));
}

const pageName = (n) => `${String(n).padStart(6, '0')}.ndjson`;

class ResultsDir {
  constructor(dir) {
    this.dir = path.resolve(dir);
    this.pages = path.join(this.dir, '.pages');
    fs.mkdirSync(this.pages, { recursive: true });
  }

  itemDir(key) {
    return path.join(this.pages, safe(key));
  }

  jobDir(key, jobId) {
    return path.join(this.itemDir(key), safe(jobId));
  }

  /**
   * The driver's sink: writes one page (synchronously, under the store's claim). Page 0
   * of a job starts the item's results over (a job made again after its results
   * vanished), so the folders of its earlier jobs go.
   */
  write(action, result) {
    const { page, records } = result.results;
    if (!action.jobId) throw new Error(`export-guard: a results page of ${action.key} came without its job id`);
    const dir = this.jobDir(action.key, action.jobId);
    if (page === 0) {
      const item = this.itemDir(action.key);
      let old = [];
      try {
        old = fs.readdirSync(item);
      } catch (e) {
        if (e.code !== 'ENOENT') throw e;
      }
      for (const name of old) if (name !== path.basename(dir)) fs.rmSync(path.join(item, name), { recursive: true, force: true });
    }
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      syncDir(path.dirname(dir));
      syncDir(this.pages);
    }
    writeAtomic(path.join(dir, pageName(page)), records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  /**
   * Writes DIR/<name>.ndjson from its parts' items (inspectQueue's, in part order) once
   * every part is exported with its results read. Answers { file, records } or
   * { missing: why } when it cannot yet.
   */
  assemble(name, items) {
    const file = path.join(this.dir, `${safe(name)}.ndjson`);
    const missing = items.find((i) => i.outcome !== 'exported' || !i.results);
    if (missing) {
      // A file of an earlier request with this id is not this request's: it goes.
      fs.rmSync(file, { force: true });
      return { missing: missing.outcome !== 'exported' ? `not every part is exported` : `part ${missing.key} completed without its results (run with --results from the start)` };
    }
    const chunks = [];
    let records = 0;
    for (const item of items) {
      for (let p = 0; p < item.results.pages; p++) {
        let text;
        try {
          text = fs.readFileSync(path.join(this.jobDir(item.key, item.jobId), pageName(p)), 'utf8');
        } catch (e) {
          if (e.code !== 'ENOENT') throw e;
          fs.rmSync(file, { force: true });
          return { missing: `page ${p} of ${item.key} is not in ${this.pages} (another runner fetched it: give every runner of a shared store the same --results directory)` };
        }
        chunks.push(text);
        records += text ? text.split('\n').length - 1 : 0;
      }
    }
    writeAtomic(file, chunks.join(''));
    return { file, records };
  }
}

module.exports = { ResultsDir, safe };
