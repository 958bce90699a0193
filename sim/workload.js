'use strict';
/**
 * The load run's requests: random, overlapping local-date ranges over one quarter, with
 * mixed explicit channels, spread over the profiles, and a few exact repeats (the same
 * range and channels asked twice, which must still be exported once).
 */
const { rng } = require('./clock');

const CHANNEL_SETS = [['sms'], ['whatsapp'], ['sms', 'whatsapp'], ['voice'], ['email'], ['chat', 'email'],
  ['voice', 'callback'], ['webmessaging'], ['sms', 'voice']];

/**
 * @param {{ count: number, seed?: number, quarterStart?: string, days?: number, maxDays?: number,
 *   mix?: Record<string, number>, repeatRate?: number, timeZone?: string }} o
 * @returns {Array<{ id: string, profile: string, start: string, end: string, timeZone: string, channels: string[] }>}
 */
function workload(o) {
  const random = rng(o.seed === undefined ? 7 : o.seed);
  const days = o.days || 92;
  const maxDays = o.maxDays || 10;
  const base = Date.parse(`${o.quarterStart || '2026-07-01'}T00:00:00Z`);
  const mix = Object.entries(o.mix || { evaluationExports: 0.6, recordingJobs: 0.25, conversationDetailsJobs: 0.15 });
  const repeatRate = o.repeatRate === undefined ? 0.04 : o.repeatRate;
  const date = (d) => new Date(base + d * 86400000).toISOString().slice(0, 10);
  const out = [];
  for (let i = 0; i < o.count; i++) {
    const id = `r${String(i + 1).padStart(4, '0')}`;
    if (out.length && random() < repeatRate) {
      out.push({ ...out[Math.floor(random() * out.length)], id });
      continue;
    }
    let u = random();
    let profile = mix[mix.length - 1][0];
    for (const [name, share] of mix) {
      if (u < share) {
        profile = name;
        break;
      }
      u -= share;
    }
    const length = 1 + Math.floor(random() * maxDays);
    const start = Math.floor(random() * (days - length));
    out.push({ id, profile, start: date(start), end: date(start + length), timeZone: o.timeZone || 'Europe/London',
      channels: CHANNEL_SETS[Math.floor(random() * CHANNEL_SETS.length)].slice() });
  }
  return out;
}

module.exports = { workload };
