'use strict';
/**
 * The clients' HTTP helper: one JSON request, answered as { status, headers, body },
 * with per-status counters. A network error (refused connection, reset) is status 0,
 * which is how export-guard's nextRetry spells "no response".
 */
class Api {
  /**
   * @param {string} baseUrl  e.g. http://127.0.0.1:8787
   * @param {string} clientId sent as X-Client-Id (the simulator rate-limits per client)
   */
  constructor(baseUrl, clientId) {
    this.baseUrl = baseUrl;
    this.clientId = clientId;
    this.stats = { requests: 0, posts: 0, gets: 0, byStatus: {} };
  }

  async call(method, path, body) {
    this.stats.requests += 1;
    if (method === 'POST') this.stats.posts += 1;
    else this.stats.gets += 1;
    let res;
    try {
      const r = await fetch(this.baseUrl + path, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-Client-Id': this.clientId },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = { raw: text };
      }
      const headers = {};
      r.headers.forEach((v, k) => { headers[k] = v; });
      res = { status: r.status, headers, body: json };
    } catch (e) {
      res = { status: 0, headers: {}, body: { message: `network error: ${e.cause ? e.cause.code || e.cause.message : e.message}` } };
    }
    const key = `${method} ${res.status}`;
    this.stats.byStatus[key] = (this.stats.byStatus[key] || 0) + 1;
    return res;
  }

  /** How many answers had this status (optionally only for one method). */
  count(status, method) {
    return Object.entries(this.stats.byStatus)
      .filter(([k]) => {
        const [m, s] = k.split(' ');
        return Number(s) === status && (!method || m === method);
      })
      .reduce((t, [, n]) => t + n, 0);
  }
}

/** Runs `task(item)` for every item with at most `limit` running at once. */
async function pool(items, limit, task) {
  let next = 0;
  const runners = [];
  for (let w = 0; w < Math.min(limit, items.length); w++) {
    runners.push((async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i], i);
      }
    })());
  }
  await Promise.all(runners);
}

module.exports = { Api, pool };
