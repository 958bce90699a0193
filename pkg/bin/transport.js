'use strict';
// The Node transport of the driver loop: one action's HTTP call with fetch, answered as
// { status, headers, body } with the body as the response text (the core reads it), and
// OAuth client credentials (GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET): one token for the
// run, fetched when first needed, renewed a minute before it expires and after a 401.
// The secret only ever goes to the token URL.

/** Why fetch got no answer, in words: "ECONNREFUSED 127.0.0.1:8787". */
function noAnswer(e) {
  const c = e && e.cause;
  if (c && c.code) return `${c.code}${c.address ? ` ${c.address}${c.port ? `:${c.port}` : ''}` : ''}`;
  return (c && c.message) || (e && e.message) || String(e);
}

class Auth {
  constructor(tokenUrl, clientId, clientSecret) {
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.token = null;
    this.expiresAt = 0;
    this.margin = 0;
    this.fetched = 0;
  }

  get enabled() {
    return Boolean(this.clientId);
  }

  /** The Authorization header, or an answer to give instead of the call's (no token). */
  async header() {
    if (!this.enabled) return { headers: {} };
    if (!this.token || Date.now() >= this.expiresAt - this.margin) {
      const refused = await this.refresh();
      if (refused) return { refused };
    }
    return { headers: { Authorization: `Bearer ${this.token}` } };
  }

  invalidate() {
    this.token = null;
  }

  /** Fetches a token; answers null, or the answer that stands for the call (401 / no answer). */
  async refresh() {
    const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64');
    let res;
    try {
      res = await fetch(this.tokenUrl, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: 'grant_type=client_credentials',
      });
    } catch (e) {
      return { status: 0, headers: {}, body: `no response from the token endpoint ${this.tokenUrl}: ${noAnswer(e)}` };
    }
    const text = await res.text();
    let body = null;
    try { body = JSON.parse(text); } catch { /* not JSON: reported below */ }
    if (!res.ok || !body || typeof body.access_token !== 'string') {
      const why = body && (body.error || body.code) ? `${body.error || body.code}${body.description || body.message ? `: ${body.description || body.message}` : ''}` : 'no token in the answer';
      const status = res.status >= 500 || res.status === 429 ? res.status : 401;
      return { status, headers: {}, body: JSON.stringify({ message: `authentication failed at ${this.tokenUrl} (${res.status} ${why}); check GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET` }) };
    }
    this.token = body.access_token;
    const lifetime = Number(body.expires_in) > 0 ? Number(body.expires_in) * 1000 : 3600000;
    this.expiresAt = Date.now() + lifetime;
    // Renewed a minute early (a tenth of the lifetime for short-lived tokens).
    this.margin = Math.min(60000, lifetime / 10);
    this.fetched += 1;
    return null;
  }
}

class FetchTransport {
  /** @param {string} api the API base URL; @param {Auth} auth; @param {{ timeoutMs?: number, headers?: object }} [o] */
  constructor(api, auth, o = {}) {
    this.api = api;
    this.auth = auth;
    this.timeoutMs = o.timeoutMs || 60000;
    this.extra = o.headers || {};
  }

  perform(action, cb) {
    this.call(action.method, action.path, action.body).then(cb, (e) => cb({ status: 0, headers: {}, body: `no response: ${noAnswer(e)}` }));
  }

  /** One call; a 401 with OAuth on renews the token and tries once more. */
  async call(method, path, body) {
    for (let attempt = 0; ; attempt++) {
      const auth = await this.auth.header();
      if (auth.refused) return auth.refused;
      let res;
      try {
        res = await fetch(this.api + path, {
          method,
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...this.extra, ...auth.headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (e) {
        return { status: 0, headers: {}, body: `no response: ${e && e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs / 1000} s` : noAnswer(e)}` };
      }
      if (res.status === 401 && this.auth.enabled && attempt === 0) {
        this.auth.invalidate();
        await res.text().catch(() => '');
        continue;
      }
      const headers = {};
      res.headers.forEach((v, k) => { headers[k] = v; });
      return { status: res.status, headers, body: await res.text().catch(() => '') };
    }
  }
}

module.exports = { FetchTransport, Auth, noAnswer };
