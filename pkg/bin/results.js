'use strict';
// `run --results DIR`: where a details job's results go. The core hands out each page
// (results actions) and says which of its records this item owns (a conversation that
// adjacent windows of one bulk request both return is owned by the window it started
// in); this file only writes them:
//
//   DIR/.pages/<item key>/<page>.ndjson   each page as it is read, written atomically
//                                         (tmp + rename) before the queue saves the
//                                         page's cursor, so a crash refetches a page and
//                                         never skips one;
//   DIR/<request>.ndjson                  once every part of a request is exported: its
//                                         parts' pages in time order, one record per line
//                                         (tmp + rename: the file is whole or absent).
const fs = require('fs');
const path = require('path');

/** A name that is safe as one path segment on every filesystem. */
function safe(name) {
  const s = String(name).replace(/^#(\d+)$/, 'request-$1').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return s.slice(0, 200) || '_';
}

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
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

  /**
   * The driver's sink: writes one page (synchronously, under the store's claim). Page 0
   * starts the item's results over (a job made again after its results vanished), so
   * the pages of its earlier job go.
   */
  write(action, result) {
    const { page, records } = result.results;
    const dir = this.itemDir(action.key);
    if (page === 0) fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    writeAtomic(path.join(dir, pageName(page)), records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  /**
   * Writes DIR/<name>.ndjson from its parts' items (inspectQueue's, in time order) once
   * every part is exported with its results read. Answers { file, records } or
   * { missing: why } when it cannot yet.
   */
  assemble(name, items) {
    const missing = items.find((i) => i.outcome !== 'exported' || !i.results);
    if (missing) {
      return { missing: missing.outcome !== 'exported' ? `not every part is exported` : `part ${missing.key} completed without its results (run with --results from the start)` };
    }
    const chunks = [];
    let records = 0;
    for (const item of items) {
      for (let p = 0; p < item.results.pages; p++) {
        let text;
        try {
          text = fs.readFileSync(path.join(this.itemDir(item.key), pageName(p)), 'utf8');
        } catch (e) {
          if (e.code !== 'ENOENT') throw e;
          return { missing: `page ${p} of ${item.key} is not in ${this.pages} (another runner fetched it: give every runner of a shared store the same --results directory)` };
        }
        chunks.push(text);
        records += text ? text.split('\n').length - 1 : 0;
      }
    }
    const file = path.join(this.dir, `${safe(name)}.ndjson`);
    writeAtomic(file, chunks.join(''));
    return { file, records };
  }
}

module.exports = { ResultsDir, safe };
