'use strict';
/**
 * Payload validation of the Genesys stand-in: what makes it answer 400.
 *
 * The simulator is an independent oracle, so it does not use export-guard to read
 * payloads: it checks them as the API would, from the documented shapes. Every
 * validator returns `{ start, end, channels }` (epoch ms, sorted channel names) or throws
 * a `BadRequest` whose message says what is wrong.
 */

/** Analytics `mediaType` and `messageType` values attested in the official SDK models. */
const MEDIA_TYPES = ['voice', 'callback', 'chat', 'email', 'message', 'cobrowse', 'video', 'screenshare'];
const MESSAGE_TYPES = ['sms', 'whatsapp', 'facebook', 'twitter', 'instagram', 'line', 'webmessaging', 'open', 'apple'];
/**
 * Conversation-side message types that analytics does not know: a messageType filter on
 * them may match nothing, so this stand-in refuses them there (stricter than the API,
 * never more forgiving). The community's evaluation-export filter takes them.
 */
const CONVERSATION_ONLY = ['telegram', 'kakao', 'viber', 'wechat'];
const ANALYTICS = new Set([...MEDIA_TYPES, ...MESSAGE_TYPES]);
const COMMUNITY = new Set([...ANALYTICS, ...CONVERSATION_ONLY]);

/** A 400 answer: `message` is shown to the client. */
class BadRequest extends Error {
  constructor(message) {
    super(message);
    this.name = 'BadRequest';
    this.status = 400;
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function instant(value, field) {
  if (typeof value !== 'string' || !ISO.test(value) || Number.isNaN(Date.parse(value))) {
    throw new BadRequest(`${field} must be an ISO-8601 instant with an offset, got ${JSON.stringify(value)}`);
  }
  return Date.parse(value);
}

function range(start, end, field) {
  if (!(start < end)) throw new BadRequest(`${field}: the start must be before the end`);
  return { start, end };
}

/**
 * The channels a body names. Without any: all channels (what the API does), unless the
 * simulator runs with requireChannelFilter, export-guard's own rule (then 400).
 */
function channelList(list, field, known, opts) {
  if (list === undefined || (Array.isArray(list) && list.length === 0)) {
    if (opts.requireChannelFilter) {
      throw new BadRequest(`${field} is required and must name at least one channel: an export never defaults to all channels ` +
        '(the simulator runs with requireChannelFilter, export-guard\'s rule, not the API\'s)');
    }
    return [];
  }
  if (!Array.isArray(list)) throw new BadRequest(`${field} must be an array`);
  for (const c of list) {
    if (typeof c !== 'string' || !known.has(c.toLowerCase())) {
      throw new BadRequest(`${field} has an unknown channel ${JSON.stringify(c)}`);
    }
  }
  return [...new Set(list.map((c) => c.toLowerCase()))].sort();
}

/** An analytics interval "start/end". */
function interval(value, field) {
  if (typeof value !== 'string' || value.split('/').length !== 2) {
    throw new BadRequest(`${field} must be "start/end", e.g. "2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z"`);
  }
  const [a, b] = value.split('/');
  return range(instant(a, `${field} start`), instant(b, `${field} end`), field);
}

/** Channels named by mediaType / messageType predicates of segmentFilters. */
function filterChannels(segmentFilters, field, opts) {
  const found = [];
  if (Array.isArray(segmentFilters)) {
    segmentFilters.forEach((f, i) => {
      const predicates = f && Array.isArray(f.predicates) ? f.predicates : [];
      predicates.forEach((p, k) => {
        if (p && (p.dimension === 'mediaType' || p.dimension === 'messageType')) {
          if (typeof p.value !== 'string') throw new BadRequest(`${field}[${i}].predicates[${k}].value must be a string`);
          found.push(p.value);
        }
      });
    });
  }
  return channelList(found.length ? found : undefined, `${field} (mediaType/messageType predicates)`, ANALYTICS, opts);
}

function object(body, field) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest(`${field} must be a JSON object`);
  return body;
}

/** Per profile: the body of a job creation → { start, end, channels }. */
const VALIDATORS = {
  // Community description: start_date, end_date and a filter naming the channels.
  evaluationExports(body, opts = {}) {
    object(body, 'the body');
    const start = instant(body.start_date, 'start_date');
    const end = instant(body.end_date, 'end_date');
    const filter = body.filter && typeof body.filter === 'object' ? body.filter : {};
    return { ...range(start, end, 'start_date/end_date'), channels: channelList(filter.channel, 'filter.channel', COMMUNITY, opts) };
  },
  // POST /api/v2/analytics/conversations/details/jobs: an interval and segment filters.
  conversationDetailsJobs(body, opts = {}) {
    object(body, 'the body');
    return { ...interval(body.interval, 'interval'), channels: filterChannels(body.segmentFilters, 'segmentFilters', opts) };
  },
  // POST /api/v2/recording/jobs: an action and a conversation query.
  // integrationId: "required and used only for EXPORT action" (RecordingJobsQuery).
  recordingJobs(body, opts = {}) {
    object(body, 'the body');
    if (!['EXPORT', 'ARCHIVE', 'DELETE'].includes(body.action)) {
      throw new BadRequest('action must be EXPORT, ARCHIVE or DELETE');
    }
    if (body.action === 'EXPORT' && (typeof body.integrationId !== 'string' || !body.integrationId)) {
      throw new BadRequest('integrationId is required for an EXPORT action');
    }
    if (body.actionDate !== undefined) instant(body.actionDate, 'actionDate');
    const q = object(body.conversationQuery, 'conversationQuery');
    return { ...interval(q.interval, 'conversationQuery.interval'), channels: filterChannels(q.segmentFilters, 'conversationQuery.segmentFilters', opts) };
  },
};

module.exports = { VALIDATORS, BadRequest, MEDIA_TYPES, MESSAGE_TYPES, CONVERSATION_ONLY };
