'use strict';
// The PostgreSQL store: one queue shared by runners on any number of machines, through
// the npm `pg` client. One row per queue item, and one meta row for what the queue state
// holds beside its items (nextSeq, the pauses after 429s, the listings).
//
// Every change is one transaction that first takes the meta row FOR UPDATE: that row is
// the queue's claim. A row lock (rather than pg_advisory_xact_lock) because it belongs
// to the queue's own table, so two queues never contend and no key space is shared with
// other applications' advisory locks, and it is released by COMMIT, ROLLBACK or a lost
// connection alike. Runners on every machine thus see one queue and never release
// overlapping windows at once.
const { Pool } = require('pg');

/** The layout of the tables this build writes; a newer one is refused. */
const PG_SCHEMA = 1;
const DEFAULT_TABLE = 'export_guard_queue';
/** Errors that mean "the server is not there right now": the update is tried again. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '40001', '40P01', '53300']);

class StoreError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** An error of the server or of the connection to it (not one of the caller's). */
function isPgError(err) {
  return !(err instanceof StoreError) && (err.severity !== undefined || typeof err.code === 'string' && /^(E[A-Z]+|[0-9A-Z]{5})$/.test(err.code) ||
    /Connection terminated|connection timeout|timeout expired|connection error and is not queryable/i.test(err.message || ''));
}

function transient(err) {
  return TRANSIENT.has(err.code) || /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error/i.test(err.message || '');
}

class PgStore {
  /**
   * @param {string} url  postgres://user:pass@host:port/db?table=NAME (other parameters go
   *   to pg, e.g. sslmode)
   * @param {{ onNote?(text: string): void, retryForMs?: number, firstConnectMs?: number,
   *   delays?(attempt: number): number, readOnly?: boolean }} [o]
   *   onNote: told of each wait for the server; retryForMs: how long a server that went
   *   away is waited for (default 10 minutes); firstConnectMs: how long a server never
   *   reached is (default 0: refused at once); delays: ms before try n (default 5 s
   *   doubling to 60 s, export-guard's backoff); readOnly: for a viewer (export-guard
   *   ui): reads in READ ONLY transactions, creates no tables (a queue not made yet reads
   *   as null), and waits for no server (an error at once, each read a fresh try)
   */
  constructor(url, o = {}) {
    let u;
    try {
      u = new URL(url);
    } catch {
      throw new StoreError(`the store '${maskText(url)}' is not a URL (postgres://user:password@host:port/database)`, 2);
    }
    this.table = u.searchParams.get('table') || DEFAULT_TABLE;
    if (!/^[a-z_][a-z0-9_]{0,47}$/.test(this.table)) {
      throw new StoreError(`table=${this.table} in ${mask(u)}: a table name is lowercase letters, digits and _ (at most 48)`, 2);
    }
    u.searchParams.delete('table');
    this.name = mask(u) + `?table=${this.table}`;
    if (!u.hostname || u.pathname.length < 2) throw new StoreError(`${this.name} names no host or database`, 2);
    this.onNote = o.onNote || (() => {});
    this.readOnly = Boolean(o.readOnly);
    this.retryForMs = this.readOnly ? 0 : o.retryForMs === undefined ? 600000 : o.retryForMs;
    this.firstConnectMs = this.readOnly ? 0 : o.firstConnectMs || 0;
    this.delays = o.delays || ((n) => Math.min(60000, 5000 * 2 ** (n - 1)));
    this.pool = new Pool({ connectionString: u.href, max: 2, connectionTimeoutMillis: this.readOnly ? 3000 : 10000 });
    // An idle client whose server went away: the pool drops it and the next query reconnects.
    this.pool.on('error', () => {});
    this.ready = false;
    this.q = `"${this.table}"`;
    this.meta = `"${this.table}_meta"`;
  }

  describe() {
    return this.name;
  }

  /** Runs fn(client) in one transaction, again after a lost connection (see retryForMs). */
  async transaction(fn) {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      let client = null;
      // A checked-out client whose server goes away emits 'error' too: its query fails
      // as well, and that failure is what is handled below.
      const ignore = () => {};
      try {
        client = await this.pool.connect();
        client.on('error', ignore);
        this.connected = true;
        if (!this.ready && !(await this.schema(client))) {
          // Read only, and no queue made yet.
          client.removeListener('error', ignore);
          client.release();
          return null;
        }
        await client.query(this.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
        const out = await fn(client);
        await client.query('COMMIT');
        client.removeListener('error', ignore);
        client.release();
        return out;
      } catch (err) {
        if (client) {
          await client.query('ROLLBACK').catch(() => {});
          client.removeListener('error', ignore);
          client.release(transient(err) ? err : undefined);
        }
        // The caller's own errors (the core's, a usage error) pass as they are.
        if (!isPgError(err)) throw err;
        if (!transient(err)) throw this.explain(err);
        // Never reached: refused at once (a one-shot command with a wrong URL fails fast),
        // or waited for up to firstConnectMs (a runner starting while the server restarts).
        // Reached before: waited for up to retryForMs.
        const limit = this.connected ? this.retryForMs : this.firstConnectMs;
        if (!limit) throw this.explain(err);
        const wait = this.delays(attempt);
        if (Date.now() + wait - started > limit) {
          throw new StoreError(`PostgreSQL at ${this.name} has not come back for ${Math.round((Date.now() - started) / 1000)} s (${err.code || err.message}); nothing was lost: run again with the same --store`);
        }
        this.onNote(`PostgreSQL at ${this.name} is unreachable (${err.code || err.message}); trying again in ${wait < 1000 ? `${wait} ms` : `${Math.round(wait / 1000)} s`}`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  explain(err) {
    const why = err.code === '28P01' || err.code === '28000' ? `login refused (${err.code} ${err.message})`
      : err.code === '3D000' ? `no such database (${err.message})`
        : `${err.code || 'error'}: ${err.message}`;
    return new StoreError(`PostgreSQL at ${this.name}: ${why}`);
  }

  /**
   * Checks the tables' schema, creating them on first use. The check is a plain read;
   * the creation (only when the tables are missing) is a transaction of its own,
   * serialised by an advisory lock, so that no DDL ever waits on a claimed queue.
   * Answers false when the tables are missing and the store is read only.
   */
  async schema(client) {
    let rows;
    try {
      ({ rows } = await client.query(`SELECT schema FROM ${this.meta} WHERE id = 1`));
    } catch (err) {
      if (err.code !== '42P01') throw err; // 42P01: no such table yet
      rows = [];
    }
    if (!rows.length && this.readOnly) return false;
    if (!rows.length) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`export-guard:${this.table}`]);
        await client.query(`CREATE TABLE IF NOT EXISTS ${this.meta} (
          id int PRIMARY KEY CHECK (id = 1), schema int NOT NULL, next_seq bigint NOT NULL,
          extra json NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${this.q} (
          seq bigint PRIMARY KEY, key text NOT NULL, state text NOT NULL, item json NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now())`);
        // Two live items never share a key (the core keeps it so; the index makes sure).
        await client.query(`CREATE UNIQUE INDEX IF NOT EXISTS "${this.table}_live_key" ON ${this.q} (key)
          WHERE state NOT IN ('completed', 'failed')`);
        await client.query(`INSERT INTO ${this.meta} (id, schema, next_seq, extra) VALUES (1, $1, 0, '{}')
          ON CONFLICT (id) DO NOTHING`, [PG_SCHEMA]);
        ({ rows } = await client.query(`SELECT schema FROM ${this.meta} WHERE id = 1`));
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    }
    if (rows[0].schema > PG_SCHEMA) {
      throw new StoreError(`the queue in ${this.name} was written by a newer export-guard (table schema ${rows[0].schema}; ` +
        `this one knows ${PG_SCHEMA}): upgrade export-guard. Nothing was written`);
    }
    this.ready = true;
    return true;
  }

  /** The queue state of the claimed (or, with `lock` false, merely read) queue. */
  async load(client, lock) {
    const meta = await client.query(`SELECT next_seq, extra FROM ${this.meta} WHERE id = 1${lock ? ' FOR UPDATE' : ''}`);
    const { rows } = await client.query(`SELECT seq, item::text AS text FROM ${this.q} ORDER BY seq`);
    const extra = meta.rows[0].extra || {};
    const state = { version: 3, nextSeq: Number(meta.rows[0].next_seq), items: rows.map((r) => JSON.parse(r.text)) };
    if (extra.pauses) state.pauses = extra.pauses;
    if (extra.listings) state.listings = extra.listings;
    return { state, texts: new Map(rows.map((r) => [String(r.seq), r.text])) };
  }

  /** Writes what changed: new and changed items, removed ones, and the meta row. */
  async save(client, state, texts) {
    const seen = new Set();
    for (const item of state.items || []) {
      const seq = String(item.seq);
      seen.add(seq);
      const text = JSON.stringify(item);
      if (texts.get(seq) === text) continue;
      await client.query(`INSERT INTO ${this.q} (seq, key, state, item) VALUES ($1, $2, $3, $4)
        ON CONFLICT (seq) DO UPDATE SET key = EXCLUDED.key, state = EXCLUDED.state, item = EXCLUDED.item, updated_at = now()`,
      [seq, item.key, item.state, text]);
    }
    const gone = [...texts.keys()].filter((s) => !seen.has(s));
    if (gone.length) await client.query(`DELETE FROM ${this.q} WHERE seq = ANY($1::bigint[])`, [gone]);
    const extra = {};
    if (state.pauses && state.pauses.length) extra.pauses = state.pauses;
    if (state.listings && state.listings.length) extra.listings = state.listings;
    await client.query(`UPDATE ${this.meta} SET next_seq = $1, extra = $2, updated_at = now() WHERE id = 1`,
      [state.nextSeq || 0, JSON.stringify(extra)]);
  }

  async read() {
    return this.transaction(async (c) => (await this.load(c, false)).state);
  }

  async updateAsync(fn) {
    if (this.readOnly) throw new StoreError(`${this.name} was opened read only`);
    return this.transaction(async (c) => {
      const { state, texts } = await this.load(c, true);
      const r = fn(state);
      if (r.queue) {
        if (r.queue.$queue !== undefined) throw new StoreError('a kept queue (QueueHandle) cannot be saved as it is: pass its state()');
        await this.save(c, r.queue, texts);
      }
      return r.value;
    });
  }

  update(fn, cb) {
    this.updateAsync(fn).then((v) => cb(null, v), cb);
  }

  async close() {
    await this.pool.end().catch(() => {});
  }
}

/** A URL with its password replaced by ***. */
function mask(u) {
  const c = new URL(u.href);
  if (c.password) c.password = '***';
  c.search = '';
  return c.href.replace(/\/$/, '');
}

/** The same for a text that may not parse as a URL. */
function maskText(text) {
  return String(text).replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

module.exports = { PgStore, StoreError, PG_SCHEMA, maskText };
