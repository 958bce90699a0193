// export-guard admin page: every answer comes from the web build of the Rust core
// (pkg/web/); this file only reads inputs and draws. Nothing leaves the page.
import * as eg from '/pkg/web/index.js';

// The library itself, for the browser console: decide before any HTTP call from DevTools.
window.exportGuard = eg;

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const HOUR = 3600000;
// Phases (from parseJobs) and limits come from the core, never from copies here.
const LIMITS = eg.limits();
const DEFAULT_CHANNELS = ['sms', 'whatsapp'];

function el(tag, attrs, parent, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  if (parent) parent.appendChild(n);
  return n;
}
function html(tag, text, cls) {
  const n = document.createElement(tag);
  if (text !== undefined) n.textContent = text;
  if (cls) n.className = cls;
  return n;
}
const iso = (ms) => new Date(ms).toISOString();
const PHASE_CLASS = { active: 's-active', completed: 's-done' };
const statusClass = (j) => PHASE_CLASS[j.phase] || 's-other';

// ------------------------------------------------------------------ set-up

function setup() {
  $('workers').max = String(LIMITS.maxWorkers);
  const zones = eg.timeZones();
  let guess = 'UTC';
  try { guess = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch (_) { /* keep UTC */ }
  const tz = $('tz');
  for (const z of zones) tz.add(new Option(z, z, false, false));
  tz.value = zones.includes(guess) ? guess : zones.includes('Europe/London') ? 'Europe/London' : 'UTC';

  const { mediaTypes, messageTypes } = eg.channels();
  for (const [box, names] of [[$('media'), mediaTypes], [$('messages'), messageTypes]]) {
    for (const name of names) {
      const label = html('label');
      const cb = html('input');
      cb.type = 'checkbox';
      cb.value = name;
      cb.name = 'channel';
      cb.checked = DEFAULT_CHANNELS.includes(name);
      label.append(cb, ' ' + name);
      box.appendChild(label);
    }
  }
  for (const p of eg.profiles()) $('profile').add(new Option(`${p.name} (${p.source})`, p.name, p.default, p.default));

  $('start').value = '2026-11-02';
  $('end').value = '2026-11-09';
  $('sample').addEventListener('click', loadSample);
  $('jobs-file').addEventListener('change', async (e) => {
    const f = e.target.files && e.target.files[0];
    if (f) { $('jobs').value = await f.text(); update(); }
  });
  $('copy').addEventListener('click', copyPayload);
  $('queue-file').addEventListener('change', async (e) => {
    const f = e.target.files && e.target.files[0];
    if (f) openQueue(await f.text(), f.name);
  });
  const drop = $('queue-drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) openQueue(await f.text(), f.name);
  });
  $('tz').addEventListener('change', () => { if (queueText) openQueue(queueText, queueName); });
  $('inputs').addEventListener('input', update);
  $('inputs').addEventListener('change', update);
  window.addEventListener('resize', () => update());
}

async function loadSample() {
  const res = await fetch('sample-jobs.json');
  $('jobs').value = JSON.stringify(await res.json(), null, 2);
  update();
}

async function copyPayload() {
  const text = $('payload').textContent;
  try {
    await navigator.clipboard.writeText(text);
    $('copied').textContent = 'Copied.';
  } catch (_) {
    const r = document.createRange();
    r.selectNodeContents($('payload'));
    getSelection().removeAllRanges();
    getSelection().addRange(r);
    $('copied').textContent = 'Selected: press Ctrl+C to copy.';
  }
  setTimeout(() => { $('copied').textContent = ''; }, 2500);
}

// ------------------------------------------------------------------ inputs

function readInputs() {
  const channels = [...document.querySelectorAll('input[name=channel]:checked')].map((c) => c.value)
    .concat($('other-channels').value.split(',').map((s) => s.trim()).filter(Boolean));
  const request = { start: $('start').value.trim(), end: $('end').value.trim(), timeZone: $('tz').value, channels };
  let jobs = [];
  let jobsError = null;
  const text = $('jobs').value.trim();
  if (text) {
    try {
      jobs = JSON.parse(text);
    } catch (err) {
      jobsError = { code: 'INVALID_ARGUMENT', field: 'activeJobs', message: `not valid JSON: ${err.message}` };
    }
  }
  const options = { profile: $('profile').value, touchingConflicts: $('touching').checked };
  if ($('integration-id').value.trim()) options.integrationId = $('integration-id').value.trim();
  const workers = Number($('workers').value);
  return { request, jobs, jobsError, options, workers, granularity: $('granularity').value, jitter: $('jitter').value };
}

const FIELDS = [
  [/^request\.(start|interval)/, 'start'], [/^request\.end/, 'end'], [/^request$/, 'end'],
  [/^(request|options)\.timeZone/, 'tz'], [/^request\.channels/, 'channels'], [/^(request|options)\.profile/, 'profile'],
  [/^activeJobs/, 'jobs'], [/^options\.workers/, 'workers'], [/^options\.integrationId/, 'integration-id'],
];
const CONTROL = { channels: 'other-channels' };

function showFieldErrors(errors) {
  for (const id of ['start', 'end', 'tz', 'channels', 'profile', 'jobs', 'workers', 'integration-id']) {
    $(`${id}-error`).textContent = '';
    $(CONTROL[id] || id).removeAttribute('aria-invalid');
  }
  for (const e of errors) {
    const hit = FIELDS.find(([re]) => re.test(e.field));
    if (!hit) continue;
    const id = hit[1];
    const box = $(`${id}-error`);
    box.textContent = (box.textContent ? box.textContent + ' ' : '') + `${e.code}: ${e.message}`;
    $(CONTROL[id] || id).setAttribute('aria-invalid', 'true');
  }
}

// ------------------------------------------------------------------ update

function update() {
  const inp = readInputs();
  // With jobs that are not JSON, the request is still checked (against no jobs), so every
  // error shows at once, each by its field.
  const decision = inp.jobsError
    ? { action: 'reject', conflicts: [], freeWindows: [], errors: [inp.jobsError, ...eg.decide(inp.request, [], inp.options).errors] }
    : eg.decide(inp.request, inp.jobs, inp.options);
  let plan = null;
  const errors = decision.errors.slice();
  // The core checks workers (1 to LIMITS.maxWorkers) when it plans.
  if (decision.action !== 'reject') {
    try {
      plan = eg.plan(inp.request, { ...inp.options, workers: inp.workers, granularity: inp.granularity, activeJobs: inp.jobs, maxWindows: 2000 });
    } catch (err) {
      errors.push(...(err.errors || [{ code: 'INVALID_ARGUMENT', field: '', message: String(err.message) }]));
    }
  }
  showFieldErrors(errors);
  renderDecision(decision, errors, inp);
  renderPayload(decision, inp);
  renderTimeline(decision, inp, plan);
  renderPlan(plan);
  renderBackoff(inp);
}

function renderDecision(d, errors, inp) {
  const badge = $('action');
  badge.textContent = d.action;
  badge.className = `badge ${d.action}`;
  $('lockkey').textContent = d.lockKey || '–';
  const reasons = $('reasons');
  reasons.replaceChildren();
  let summary = '';
  if (d.action === 'submit') {
    summary = `Nothing active overlaps this range: send the payload now (${inp.request.channels.length} channel${inp.request.channels.length === 1 ? '' : 's'}).`;
  } else if (d.action === 'queue') {
    summary = `${d.conflicts.length} active job${d.conflicts.length === 1 ? ' locks' : 's lock'} part of this range: wait and decide again in ${Math.round(d.recheckAfterMs / 1000)} s, or submit only the free parts.`;
    for (const c of d.conflicts) {
      reasons.appendChild(html('li', `Blocked by ${c.id} (${c.status}): ${c.start} → ${c.end}`));
    }
    for (const w of d.freeWindows) reasons.appendChild(html('li', `Free now: ${w.start} → ${w.end}`));
    if (!d.freeWindows.length) reasons.appendChild(html('li', 'No part of the range is free now.'));
  } else {
    summary = 'The input is invalid; fix the fields marked below.';
  }
  if (d.alreadyExported) reasons.appendChild(html('li', `Already exported by ${d.alreadyExported.id} (${d.alreadyExported.status}) with the same range and channels.`));
  $('summary').textContent = summary;
  const list = $('errors');
  list.replaceChildren();
  for (const e of errors) list.appendChild(html('li', `${e.code}${e.field ? ' at ' + e.field : ''}: ${e.message}`));
}

function renderPayload(d, inp) {
  let body = null;
  let note = '';
  if (d.action === 'submit') {
    body = d.payloads.length === 1 ? d.payloads[0] : d.payloads;
  } else if (d.action === 'queue') {
    try { body = eg.buildPayload(inp.request, { profile: inp.options.profile }); note = ' (to send once the conflicts clear)'; } catch (_) { body = null; }
  }
  const profile = eg.profiles().find((p) => p.name === inp.options.profile);
  $('endpoint').textContent = body ? `${profile.method} ${profile.path}${note}` : '–';
  $('payload').textContent = body ? JSON.stringify(body, null, 2) : '(no payload: the request is invalid)';
  $('copy').disabled = !body;
}

// ------------------------------------------------------------------ timeline

function localDayLabel(ms, tz) {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: tz, day: '2-digit', month: 'short' }).format(new Date(ms));
  } catch (_) {
    return iso(ms).slice(5, 10);
  }
}

function renderTimeline(d, inp, plan) {
  const svg = $('timeline');
  svg.replaceChildren();
  const desc = el('desc', { id: 'timeline-desc' }, svg);
  if (!d.lockKey) {
    desc.textContent = 'No valid request to draw.';
    svg.setAttribute('viewBox', '0 0 800 40');
    el('text', { x: 10, y: 24 }, svg, 'Enter a valid request to see the timeline.');
    return;
  }
  const [rs, re] = d.lockKey.split('/').map(Date.parse);
  // The jobs as the core reads them (every accepted date form, canonical statuses),
  // with the page's profile for jobs that name none, as decide() read them.
  let parsed = [];
  try {
    parsed = eg.parseJobs(Array.isArray(inp.jobs) ? inp.jobs : [], { profile: inp.options.profile }).jobs;
  } catch (err) {
    if (!(err instanceof eg.ExportGuardError)) throw err; // the decision shows the errors
  }
  const jobs = parsed.map((j) => ({ ...j, s: Date.parse(j.start), e: Date.parse(j.end), st: j.status }));
  const pad = Math.max(12 * HOUR, (re - rs) * 0.15);
  const near = jobs.filter((j) => j.e > rs - pad && j.s < re + pad);
  const t0 = Math.min(rs - pad, ...near.map((j) => Math.max(j.s, rs - 4 * pad)));
  const t1 = Math.max(re + pad, ...near.map((j) => Math.min(j.e, re + 4 * pad)));
  const conflicts = new Set(d.conflicts.map((c) => c.id));
  const workers = plan ? plan.workers : 0;

  const width = Math.max(640, Math.min(1400, $('timeline-wrap').clientWidth || 800));
  const left = 110, right = 12, top = 34, row = 24;
  const rows = 1 + near.length + workers;
  const height = top + rows * row + 10;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  const x = (t) => left + ((t - t0) / (t1 - t0)) * (width - left - right);
  const y = (i) => top + i * row;

  // Local-day (or week) gridlines from the core's own planner: DST days are 23/25 h.
  const grid = el('g', { class: 'grid' }, svg);
  const axis = el('g', { class: 'axis' }, svg);
  let days = [];
  const span = t1 - t0;
  try {
    days = eg.plan({ start: iso(t0), end: iso(t1), timeZone: inp.request.timeZone }, { granularity: span > 120 * 24 * HOUR ? 'week' : 'day', maxWindows: 1000 }).windows;
  } catch (_) { days = []; }
  const every = Math.max(1, Math.ceil(days.length / ((width - left) / 46)));
  days.forEach((w, i) => {
    const a = Date.parse(w.start), b = Date.parse(w.end);
    const hours = Math.round((b - a) / HOUR);
    const whole = i > 0 && i < days.length - 1;
    if (whole && span <= 120 * 24 * HOUR && hours !== 24) {
      const g = el('g', { class: 'dst', 'data-hours': hours }, grid);
      el('rect', { x: x(a), y: top - 4, width: x(b) - x(a), height: rows * row + 4 }, g);
      el('text', { x: (x(a) + x(b)) / 2, y: top - 20, 'text-anchor': 'middle', class: 'dst-label' }, axis, `${hours} h`);
    }
    if (i > 0) el('line', { x1: x(a), x2: x(a), y1: top - 4, y2: height - 6, class: 'day-line' }, grid);
    if (i > 0 && i % every === 0) {
      // A label that would run past the right edge ends at its gridline instead.
      const label = el('text', { x: x(a) + 2, y: top - 8 }, axis, localDayLabel(a, inp.request.timeZone));
      const len = typeof label.getComputedTextLength === 'function' ? label.getComputedTextLength() : 40;
      if (x(a) + 2 + len > width - 2) {
        label.setAttribute('x', x(a) - 2);
        label.setAttribute('text-anchor', 'end');
      }
    }
  });
  el('text', { x: 4, y: top - 8 }, axis, inp.request.timeZone);

  // The request band across every row, the request bar, its free windows and conflicts.
  el('rect', { class: 'req-band', x: x(rs), y: top - 4, width: Math.max(1, x(re) - x(rs)), height: rows * row + 4 }, svg);
  el('text', { x: 4, y: y(0) + 15 }, svg, 'request');
  bar(svg, { class: 'bar request', x: x(rs), y: y(0) + 4, w: x(re) - x(rs), h: 8 },
    `Request ${d.action}: ${iso(rs)} → ${iso(re)} (${inp.request.channels.join(', ') || 'no channels'})`);
  for (const f of d.freeWindows) {
    const a = Date.parse(f.start), b = Date.parse(f.end);
    bar(svg, { class: 'bar free', x: x(a), y: y(0) + 13, w: x(b) - x(a), h: 7 }, `Free now: ${f.start} → ${f.end}`);
  }

  near.sort((a, b) => a.s - b.s).forEach((j, i) => {
    const r = i + 1;
    el('text', { x: 4, y: y(r) + 15 }, svg, String(j.id).slice(0, 16));
    const cls = `bar job ${statusClass(j)}${conflicts.has(j.id) ? ' conflict' : ''}`;
    const a = Math.max(j.s, t0), b = Math.min(j.e, t1);
    bar(svg, { class: cls, x: x(a), y: y(r) + 4, w: x(b) - x(a), h: 16, id: j.id }, `${j.id}: ${j.st} ${iso(j.s)} → ${iso(j.e)}${j.channels ? ' [' + j.channels.join(', ') + ']' : ''}${conflicts.has(j.id) ? ' — blocks the request' : ''}`);
    if (conflicts.has(j.id)) {
      const oa = Math.max(j.s, rs), ob = Math.min(j.e, re);
      if (ob > oa) {
        el('rect', { class: 'overlap', 'data-job': j.id, x: x(oa), y: y(0) + 2, width: Math.max(1, x(ob) - x(oa)), height: (r + 1) * row - 4 }, svg);
      }
    }
  });

  if (plan) {
    for (let w = 0; w < workers; w++) el('text', { x: 4, y: y(1 + near.length + w) + 15 }, svg, `worker ${w + 1}`);
    for (const p of plan.windows) {
      const a = Date.parse(p.start), b = Date.parse(p.end);
      bar(svg, { class: `bar plan-window${p.blockedBy.length ? ' blocked' : ''}`, x: x(a) + 0.5, y: y(1 + near.length + p.worker) + 5, w: x(b) - x(a) - 1, h: 14, worker: p.worker },
        `Worker ${p.worker + 1}: ${p.start} → ${p.end} (${Math.round((b - a) / HOUR)} h)${p.blockedBy.length ? ' — blocked by ' + p.blockedBy.join(', ') : ''}`);
    }
  }
  // On a narrow screen the timeline scrolls inside its box: open it at the request.
  const wrap = $('timeline-wrap');
  if (wrap.clientWidth && wrap.clientWidth < width) wrap.scrollLeft = Math.max(0, x(rs) - 24);
  desc.textContent = `Request ${iso(rs)} to ${iso(re)}: ${d.action}; ${d.conflicts.length} conflicting job(s); ${near.length} job(s) shown; ${plan ? plan.windows.length : 0} planned window(s).`;
}

function bar(svg, a, details) {
  const r = el('rect', { class: a.class, x: a.x, y: a.y, width: Math.max(1.5, a.w), height: a.h, rx: 2, tabindex: 0, role: 'img', 'aria-label': details }, svg);
  if (a.id !== undefined) r.setAttribute('data-id', a.id);
  if (a.worker !== undefined) r.setAttribute('data-worker', a.worker);
  el('title', {}, r, details);
  const show = () => { $('bar-details').textContent = details; };
  r.addEventListener('mouseenter', show);
  r.addEventListener('focus', show);
  return r;
}

// ------------------------------------------------------------------ plan and backoff

function renderPlan(plan) {
  const body = $('plan').tBodies[0];
  body.replaceChildren();
  if (!plan) { $('plan-summary').textContent = 'No plan for an invalid request.'; return; }
  const blocked = plan.windows.filter((w) => w.blockedBy.length).length;
  $('plan-summary').textContent = `${plan.windows.length} disjoint ${plan.granularity} windows in ${plan.timeZone} for ${plan.workers} worker(s); ${blocked} blocked by active jobs now.`;
  for (const w of plan.windows.slice(0, 200)) {
    const tr = document.createElement('tr');
    const hours = (Date.parse(w.end) - Date.parse(w.start)) / HOUR;
    tr.append(html('td', String(w.worker + 1)), html('td', w.start), html('td', w.end), html('td', String(Math.round(hours * 100) / 100)),
      html('td', w.blockedBy.join(', ') || '–', w.blockedBy.length ? 'blocked' : ''));
    body.appendChild(tr);
  }
}

function renderBackoff(inp) {
  const s = eg.schedule({ jitter: inp.jitter });
  const svg = $('backoff');
  svg.replaceChildren();
  const width = 640, height = 170, left = 46, bottom = 24, top = 10;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const max = Math.max(...s.steps.map((st) => st.maxMs), 1);
  const bw = (width - left - 10) / s.steps.length;
  const yv = (v) => height - bottom - (v / max) * (height - bottom - top);
  const axis = el('g', { class: 'axis' }, svg);
  for (const v of [0, max / 2, max]) {
    el('text', { x: left - 4, y: yv(v) + 4, 'text-anchor': 'end' }, axis, `${Math.round(v / 1000)} s`);
    el('line', { x1: left, x2: width - 10, y1: yv(v), y2: yv(v), stroke: '#d0d7de' }, axis);
  }
  s.steps.forEach((st, i) => {
    const cx = left + i * bw;
    el('rect', { class: 'band', x: cx + 4, y: yv(st.maxMs), width: bw - 8, height: Math.max(1, yv(st.minMs) - yv(st.maxMs)) }, svg);
    const r = el('rect', { class: 'delay', x: cx + bw * 0.3, y: yv(st.delayMs), width: bw * 0.4, height: Math.max(1, yv(0) - yv(st.delayMs)) }, svg);
    el('title', {}, r, `after attempt ${st.attempt}: ${st.delayMs} ms (range ${st.minMs}–${st.maxMs} ms)`);
    el('text', { x: cx + bw / 2, y: height - 8, 'text-anchor': 'middle' }, axis, `#${st.attempt}`);
  });
  $('backoff-summary').textContent = `Delay after each failed attempt (jitter: ${inp.jitter}; the band is the range jitter can give). ${s.steps.length} retries, ${Math.round(s.totalMs / 1000)} s in all.`;
}

// ------------------------------------------------------------------ queue

let queueText = null;
let queueName = '';

/** A UTC instant in the page's time zone, as a focusable <time> whose title is the UTC instant. */
function timeIn(instant, tz) {
  const t = html('time');
  if (!instant) {
    t.textContent = '–';
    return t;
  }
  let text = instant;
  try {
    // ISO-style (YYYY-MM-DD HH:MM:SS) in the chosen zone, like every other time on the page.
    text = new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
      .format(new Date(instant));
  } catch (_) { /* keep the UTC form */ }
  t.textContent = text;
  t.dateTime = instant;
  t.title = `${instant} (UTC)`;
  t.tabIndex = 0;
  const show = () => { $('queue-details').textContent = `${text} in ${tz} is ${instant} UTC`; };
  t.addEventListener('mouseenter', show);
  t.addEventListener('focus', show);
  return t;
}

const CALL_TEXT = { submit: 'submit (POST)', poll: 'poll (GET)', execute: 'execute (PUT)' };

/** What an item waits for, in words, from inspectQueue's answer. */
function nextText(i) {
  if (i.lease) return `awaiting the answer to its ${i.lease.action}`;
  if (!i.nextCall) return '–';
  const call = CALL_TEXT[i.nextCall];
  // The core's words for the wait (inspectQueue's waiting.text), its code as a fallback.
  if (i.waiting) return `${call}: ${i.waiting.text || `waits (${i.waiting.reason})`}`;
  return i.dueNow ? `${call} now` : call;
}

/** Reads a queue file's text and shows it (errors as the core words them). */
function openQueue(text, name) {
  queueText = text;
  queueName = name || '';
  $('queue-error').textContent = '';
  let view;
  try {
    view = eg.inspectQueue(JSON.parse(text), null, { now: Date.now() });
  } catch (err) {
    $('queue-error').textContent = err instanceof eg.ExportGuardError ? `${err.code}${err.field ? ' at ' + err.field : ''}: ${err.message}` : `not a queue file: ${err.message}`;
    $('queue-summary').textContent = '';
    $('queue-table').tBodies[0].replaceChildren();
    $('queue-timeline').replaceChildren(el('desc', { id: 'queue-desc' }, null, 'No queue.'));
    return;
  }
  $('queue').classList.add('has-queue');
  const tz = $('tz').value;
  const counts = Object.entries(view.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
  $('queue-summary').textContent = `${queueName ? queueName + ': ' : ''}${view.items.length} item(s)${counts ? ': ' + counts : ''}.`;
  if (view.wakeAt) $('queue-summary').append(' Next call due ', timeIn(view.wakeAt, tz), '.');
  const body = $('queue-table').tBodies[0];
  body.replaceChildren();
  for (const i of view.items) {
    const tr = document.createElement('tr');
    tr.dataset.state = i.state;
    tr.dataset.key = i.key;
    // Each row is labelled by its request: a bulk request's part says which, of what.
    const item = html('th');
    item.scope = 'row';
    if (i.part) item.append(`part ${i.part.index} of ${i.part.count}: `);
    item.append(`${i.profile} `, timeIn(i.start, tz), ' → ', timeIn(i.end, tz), ` [${i.channels.join(', ')}]`);
    const wake = html('td');
    wake.append(timeIn(i.due, tz));
    const last = i.lastAnswer ? `${i.lastAnswer.status} to ${i.lastAnswer.action}${i.lastAnswer.summary ? ': ' + i.lastAnswer.summary : ''}` : '–';
    const state = html('td', i.state, `state q-${i.state}`);
    if (i.reason) state.title = i.reason;
    tr.append(item, state, html('td', nextText(i)), wake, html('td', i.jobId || '–', 'job'), html('td', last + (i.reason && i.state === 'failed' ? ` (${i.reason})` : '')));
    body.appendChild(tr);
  }
  renderQueueTimeline(view.items, tz);
}

/** The queue's items on a time axis, one row each, coloured by state. */
function renderQueueTimeline(items, tz) {
  const svg = $('queue-timeline');
  svg.replaceChildren();
  const desc = el('desc', { id: 'queue-desc' }, svg);
  if (!items.length) {
    desc.textContent = 'The queue is empty.';
    svg.setAttribute('viewBox', '0 0 640 30');
    el('text', { x: 10, y: 20 }, svg, 'The queue is empty.');
    return;
  }
  const shown = items.slice(0, 300);
  const s = shown.map((i) => Date.parse(i.start)), e = shown.map((i) => Date.parse(i.end));
  const t0 = Math.min(...s), t1 = Math.max(...e);
  const width = Math.max(640, Math.min(1400, $('queue-timeline-wrap').clientWidth || 800));
  const left = 110, right = 12, top = 24, row = 18;
  const height = top + shown.length * row + 8;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  const x = (t) => left + ((t - t0) / Math.max(1, t1 - t0)) * (width - left - right);
  el('text', { x: 4, y: 14, class: 'axis' }, svg, tz);
  el('text', { x: left, y: 14, class: 'axis' }, svg, localDayLabel(t0, tz));
  el('text', { x: width - right, y: 14, class: 'axis', 'text-anchor': 'end' }, svg, localDayLabel(t1, tz));
  shown.forEach((i, r) => {
    const y = top + r * row;
    el('text', { x: 4, y: y + 12 }, svg, `${i.state}`);
    const details = `${i.state}: ${i.profile} ${i.start} → ${i.end} UTC [${i.channels.join(', ')}]${i.jobId ? ', job ' + i.jobId : ''}; next: ${nextText(i)}${i.due ? ' at ' + i.due + ' UTC' : ''}${i.reason ? '; ' + i.reason : ''}`;
    const b = el('rect', { class: `qbar q-${i.state}`, x: x(Date.parse(i.start)), y: y + 3, width: Math.max(1.5, x(Date.parse(i.end)) - x(Date.parse(i.start))), height: row - 6,
      rx: 2, tabindex: 0, role: 'img', 'aria-label': details, 'data-key': i.key, 'data-state': i.state }, svg);
    el('title', {}, b, details);
    const show = () => { $('queue-details').textContent = details; };
    b.addEventListener('mouseenter', show);
    b.addEventListener('focus', show);
  });
  desc.textContent = `${items.length} queue item(s) drawn by range${items.length > shown.length ? ` (the first ${shown.length})` : ''}, coloured by state.`;
}

// ------------------------------------------------------------------ live queue

/**
 * Served by `export-guard ui --store ...`, the page shows that queue live: it reads
 * /api/queue (the store's state, read only) every few seconds (`?refresh=MS`), and says
 * when it last refreshed and whether the store answered. Served without a store (or as
 * files), /api/queue is absent and the page works on opened queue files only.
 */
async function live() {
  const every = Math.max(200, Number(new URLSearchParams(location.search).get('refresh')) || 3000);
  let lastOk = null;
  const tick = async () => {
    let res;
    let body = null;
    try {
      res = await fetch('/api/queue', { cache: 'no-store' });
      body = res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : null;
    } catch (e) {
      body = { error: `the page's server did not answer (${e.message})` };
    }
    if (lastOk === null && (!res || res.status === 404 || !body || !body.store)) return false; // no store: not live
    const status = $('queue-live');
    if (res && res.ok && body.state !== undefined) {
      lastOk = body.at;
      openQueue(JSON.stringify(body.state || null), body.store);
      status.textContent = `Live, read only: ${body.store}; refreshed ${body.at.replace(/\.\d+Z$/, 'Z')} (every ${every / 1000} s).`;
      status.classList.remove('field-error');
    } else {
      status.textContent = `The store is unreachable: ${body && body.error ? body.error : 'no answer'}; last refreshed ${lastOk ? lastOk.replace(/\.\d+Z$/, 'Z') : 'never'}.`;
      status.classList.add('field-error');
    }
    return true;
  };
  if (await tick()) {
    document.body.dataset.live = 'true';
    // One read at a time: a slow store is not asked again before it has answered.
    let busy = false;
    setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        await tick();
      } finally {
        busy = false;
      }
    }, every);
  }
}

// ------------------------------------------------------------------ the org, through OAuth PKCE

/** Genesys Cloud regions: the API at https://api.<region>, sign-in at https://login.<region>. */
const REGIONS = ['mypurecloud.com', 'use2.us-gov-pure.cloud', 'usw2.pure.cloud', 'cac1.pure.cloud', 'sae1.pure.cloud', 'mypurecloud.ie',
  'euw2.pure.cloud', 'mypurecloud.de', 'euc2.pure.cloud', 'mec1.pure.cloud', 'aps1.pure.cloud', 'mypurecloud.jp', 'apne2.pure.cloud',
  'apne3.pure.cloud', 'mypurecloud.com.au'];
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const orgStatus = (text, bad) => { $('org-status').textContent = text; $('org-status').classList.toggle('field-error', Boolean(bad)); };

function orgTarget() {
  const base = $('api-base').value.trim().replace(/\/$/, '');
  if (base) return { api: base, login: base };
  const r = $('region').value;
  return { api: `https://api.${r}`, login: `https://login.${r}` };
}

/** Starts the authorization code grant with PKCE: the verifier stays in this tab. */
async function signIn() {
  const clientId = $('client-id').value.trim();
  if (!clientId) return orgStatus('Enter the OAuth client id first.', true);
  const t = orgTarget();
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  const redirect = location.origin + location.pathname;
  sessionStorage.setItem('eg.pkce', JSON.stringify({ verifier, state, clientId, redirect, ...t }));
  location.assign(`${t.login}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirect,
    code_challenge: challenge, code_challenge_method: 'S256', state })}`);
}

/**
 * Back from the sign-in with a code: exchanges it (with the verifier) for a token.
 * Answers false when the sign-in was refused (its reason stays on the page).
 */
async function finishSignIn() {
  const q = new URLSearchParams(location.search);
  if (!q.has('code') && !q.has('error')) return true;
  const pending = JSON.parse(sessionStorage.getItem('eg.pkce') || 'null');
  sessionStorage.removeItem('eg.pkce');
  history.replaceState(null, '', location.pathname);
  const refused = (text) => { orgStatus(text, true); return false; };
  if (q.has('error')) return refused(`Sign-in refused: ${q.get('error')}${q.get('error_description') ? ': ' + q.get('error_description') : ''}`);
  if (!pending || pending.state !== q.get('state')) return refused('Sign-in refused: the answer is not for this tab\'s sign-in (state differs).');
  let res;
  let body = {};
  try {
    res = await fetch(`${pending.login}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: q.get('code'), redirect_uri: pending.redirect, client_id: pending.clientId,
        code_verifier: pending.verifier }) });
    body = await res.json().catch(() => ({}));
  } catch (e) {
    return refused(`Sign-in failed: ${pending.login} did not answer (${e.message}).`);
  }
  if (!res.ok || !body.access_token) {
    return refused(`Sign-in refused: ${res.status} ${body.error || ''}${body.description ? ': ' + body.description : ''}`);
  }
  sessionStorage.setItem('eg.token', JSON.stringify({ token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000, api: pending.api,
    clientId: pending.clientId }));
  return true;
}

/**
 * Lists the org's active recording jobs (the one profile Genesys lists) into the jobs
 * above. The core's lifecycle names the listing calls (next hands out its `list` actions
 * for a queue holding a recording request) and reads their answers (record), so the page
 * parses no API answer itself; the jobs come from the queue's view of the listing.
 */
async function listOrgJobs() {
  const t = JSON.parse(sessionStorage.getItem('eg.token') || 'null');
  $('signout').hidden = !t;
  if (!t) return;
  if (t.expiresAt <= Date.now()) return orgStatus('The sign-in has expired: sign in again.', true);
  const opts = () => ({ now: Date.now(), integrationId: 'listing-only' });
  const q = eg.loadQueue(null);
  try {
    eg.enqueue(q, { profile: 'recordingJobs', start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z', channels: ['voice'] }, { now: Date.now() });
    const step = eg.next(q, null, opts());
    for (const a of step.actions.filter((x) => x.kind === 'list')) {
      let answer;
      try {
        const res = await fetch(t.api + a.path, { headers: { Authorization: `Bearer ${t.token}`, Accept: 'application/json' } });
        answer = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
      } catch (e) {
        answer = { status: 0, headers: {}, body: `no response: ${e.message}` };
      }
      const r = eg.record(q, a.key, answer, opts());
      if (r.event !== 'listed') return orgStatus(`Listing the org's recording jobs failed: ${r.reason || answer.status}${r.event === 'denied' ? '; sign in again' : ''}.`, true);
    }
    const listed = eg.inspectQueue(q, null, opts()).listings.flatMap((l) => l.jobs);
    const jobs = listed.filter((j) => j.start && j.end).map((j) => ({ id: j.id, status: j.state, start: j.start, end: j.end }));
    $('jobs').value = JSON.stringify(jobs, null, 2);
    $('profile').value = 'recordingJobs';
    update();
    orgStatus(`Signed in as client ${t.clientId}: ${jobs.length} active recording job(s) listed at ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}` +
      `${listed.length > jobs.length ? ` (${listed.length - jobs.length} without an interval left out)` : ''}; the decision is against them.`);
  } finally {
    q.free();
  }
}

function setupOrg() {
  for (const r of REGIONS) $('region').add(new Option(r, r));
  $('signin').addEventListener('click', () => { signIn().catch((e) => orgStatus(`Sign-in failed: ${e.message}`, true)); });
  $('signout').addEventListener('click', () => { sessionStorage.removeItem('eg.token'); $('signout').hidden = true; orgStatus('Signed out.'); });
}

setup();
setupOrg();
await loadSample();
if (await finishSignIn()) await listOrgJobs().catch((e) => orgStatus(`Listing the org's recording jobs failed: ${e.code ? e.code + ': ' : ''}${e.message}`, true));
await live();
document.body.dataset.ready = 'true';
