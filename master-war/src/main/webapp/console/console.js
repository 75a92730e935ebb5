// The distexec console: a small single-page app over the master's REST API (/api/v1), no framework
// and no build step. It signs in with an API token (kept in this tab's sessionStorage only), sends
// it as a bearer header on every call, and follows server-sent events with fetch() (EventSource
// cannot send a header). Every value from the server goes into the page as text, never as HTML.
'use strict';

const API = '/api/v1';
const TOKEN_KEY = 'distexec.token';
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'LOST']);
const STATUSES = ['QUEUED', 'DISPATCHED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'LOST'];
const PAGE_SIZE = 50;

let me = null; // who is signed in: {name, roles, may}
let leaveView = () => {}; // stops what the current view streams

// ---------------------------------------------------------------- DOM helpers

/** An element with attributes (on* are listeners) and children (strings become text). */
function el(tag, attrs, ...children) {
  const node = tag === 'svg' || tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.replace('svg:', ''))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const svg = (tag, attrs, ...children) => el('svg:' + tag, attrs, ...children);
const $ = (selector, root = document) => root.querySelector(selector);

function may(action) {
  return !!me && me.may.includes(action);
}

function statusBadge(status, label) {
  return el('span', { class: 'status s-' + status }, label || status);
}

function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function fmtDuration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '';
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
  const m = Math.floor(ms / 60000);
  return m < 60 ? `${m} min ${Math.round((ms % 60000) / 1000)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function fmtBytes(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return n + ' B';
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return v.toFixed(v < 10 ? 1 : 0) + ' ' + units[i];
}

function ago(iso) {
  if (!iso) return '';
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  return s < 60 ? s + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
}

function durationOf(job) {
  if (!job.startedAt) return '';
  const end = job.finishedAt ? new Date(job.finishedAt) : new Date();
  return fmtDuration(end - new Date(job.startedAt));
}

function commandLine(job) {
  return [job.command, ...(job.args || [])].join(' ');
}

function flash(message, isError) {
  const box = $('#flash');
  box.textContent = message;
  box.className = 'flash' + (isError ? ' error' : '');
  box.hidden = !message;
}

/** Asks before something that cannot be undone; resolves true when confirmed. */
function confirmAction(text, yesLabel) {
  const dialog = $('#confirm');
  $('#confirm-text').textContent = text;
  $('#confirm-yes').textContent = yesLabel;
  dialog.returnValue = '';
  dialog.showModal();
  $('#confirm-no').focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

// ---------------------------------------------------------------- the API

class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
    this.status = status;
    this.problem = problem || {};
  }
}

function headers(extra) {
  return Object.assign({ Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY), Accept: 'application/json' }, extra || {});
}

async function api(path, options = {}) {
  const init = { method: options.method || 'GET', headers: headers(options.headers), signal: options.signal };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    init.headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(API + path, init);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (response.status === 401) {
    signOut('Your token was not accepted: ' + ((json && json.detail) || 'sign in again'));
    throw new ApiError(401, json);
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

/**
 * Follows a server-sent event stream until `signal` aborts, reconnecting after a dropped
 * connection with Last-Event-ID, so that no event is missed or repeated. `onEvent(name, data, id)`;
 * `onEnd()` when the server closes a stream that is over (`done()` says so).
 */
async function follow(path, { signal, onEvent, onState, done }) {
  let lastId = null;
  let delay = 500;
  while (!signal.aborted) {
    try {
      const h = headers({ Accept: 'text/event-stream' });
      if (lastId !== null) h['Last-Event-ID'] = lastId;
      const response = await fetch(API + path, { headers: h, signal });
      if (response.status === 401) { signOut('Your session ended: sign in again'); return; }
      if (!response.ok) throw new ApiError(response.status, null);
      onState && onState('live');
      delay = 500;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(buffer.slice(cut).match(/^\r?\n\r?\n/)[0].length + cut);
          let name = 'message';
          let id = null;
          const data = [];
          for (const line of block.split(/\r?\n/)) {
            if (line.startsWith('event:')) name = line.slice(6).trim();
            else if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (id !== null) lastId = id;
          if (data.length) onEvent(name, JSON.parse(data.join('\n')), id);
        }
      }
      if (done && done()) return;
    } catch (e) {
      if (signal.aborted) return;
    }
    onState && onState('reconnecting');
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 5000);
  }
}

// ---------------------------------------------------------------- sign-in

function signOut(why) {
  sessionStorage.removeItem(TOKEN_KEY);
  me = null;
  leaveView();
  showSignIn(why);
}

function showSignIn(why) {
  $('#nav').hidden = true;
  $('#who').hidden = true;
  flash('');
  const error = el('p', { id: 'token-error', class: 'field-error', hidden: !why }, why || '');
  const input = el('input', {
    id: 'token', type: 'password', autocomplete: 'current-password', required: true,
    'aria-describedby': 'token-hint token-error', 'aria-invalid': why ? 'true' : null,
  });
  const form = el('form', { class: 'signin', onsubmit: async (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    await start();
  } },
  el('h1', {}, 'Sign in'),
  el('label', { for: 'token' }, 'API token'),
  input,
  el('p', { id: 'token-hint', class: 'hint' },
    'The same token as for the API and distctl. On a local cluster: the admin token in .local-cluster/admin.token.'),
  error,
  el('div', { class: 'actions' }, el('button', { class: 'primary', type: 'submit' }, 'Sign in')));
  $('#view').replaceChildren(form);
  input.focus();
}

async function start() {
  const link = location.hash.match(/^#\/?token=([^&]+)/);
  if (link) {
    // A link from the cluster script: take the token, then drop it from the address bar.
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(link[1]));
    history.replaceState(null, '', location.pathname + '#/');
  }
  if (!sessionStorage.getItem(TOKEN_KEY)) { showSignIn(); return; }
  try {
    me = await api('/me');
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) showSignIn('The master did not answer: ' + e.message);
    return;
  }
  $('#who-name').textContent = `${me.name} (${me.roles.join(', ')})`;
  $('#who').hidden = false;
  for (const link of document.querySelectorAll('#nav a')) {
    link.hidden = !!link.dataset.needs && !may(link.dataset.needs);
  }
  $('#nav').hidden = false;
  route();
}

// ---------------------------------------------------------------- routing

function parseRoute() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || '') };
}

function route() {
  if (!me) return;
  leaveView();
  flash('');
  const { parts, params } = parseRoute();
  const controller = new AbortController();
  leaveView = () => controller.abort();
  const view = $('#view');
  const section = parts[0] || 'overview';
  for (const link of document.querySelectorAll('#nav a')) {
    link.toggleAttribute('aria-current', link.dataset.nav === section);
    if (link.dataset.nav === section) link.setAttribute('aria-current', 'page');
  }
  const render = {
    overview: () => overviewView(view, controller.signal),
    jobs: () => (parts[1] ? jobView(view, parts[1], controller.signal) : jobsView(view, params, controller.signal)),
    submit: () => submitView(view),
    workers: () => workersView(view, controller.signal),
    audit: () => auditView(view),
  }[section];
  (render || (() => view.replaceChildren(el('h1', {}, 'Not found'))))();
  view.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
document.addEventListener('DOMContentLoaded', () => {
  $('#sign-out').addEventListener('click', () => signOut());
  start();
});

// ---------------------------------------------------------------- overview

function overviewView(view, signal) {
  document.title = 'Overview · distexec';
  const body = el('div', { 'aria-busy': 'true' }, el('p', { class: 'muted' }, 'Loading…'));
  const liveNote = el('span', { class: 'muted', id: 'live-note' }, '');
  view.replaceChildren(el('h1', {}, 'Overview ', liveNote), body);
  follow('/overview/events', {
    signal,
    onState: (s) => { liveNote.textContent = s === 'live' ? '· live' : '· reconnecting…'; },
    onEvent: (name, o) => { if (name === 'overview') renderOverview(body, o); },
  });
}

function renderOverview(body, o) {
  body.removeAttribute('aria-busy');
  const ready = o.workers ? o.workers.filter((w) => w.state === 'READY').length : null;
  const slots = o.workers ? o.workers.reduce((n, w) => n + w.maxConcurrentTasks, 0) : null;
  const used = o.workers ? o.workers.reduce((n, w) => n + w.activeTasks, 0) : null;
  const hour = o.lastHour;
  const endedHour = hour.reduce((n, p) => n + p.ended, 0);
  const failedHour = hour.reduce((n, p) => n + p.failed, 0);
  const card = (id, n, label) => el('div', { class: 'card', id }, el('span', { class: 'n' }, n), el('span', { class: 'l' }, label));
  const children = [
    el('div', { class: 'cards' },
      card('card-queued', o.queued, 'queued'),
      card('card-running', o.running, 'running'),
      o.workers ? card('card-workers', `${ready} / ${o.workers.length}`, 'workers ready') : null,
      o.workers ? card('card-slots', `${used} / ${slots}`, 'slots in use') : null,
      card('card-hour', endedHour, `jobs ended in the last hour, ${failedHour} not succeeded`)),
    el('div', { class: 'charts' },
      el('figure', {},
        el('figcaption', {}, 'Jobs ended per minute'),
        barChart(hour),
        el('div', { class: 'legend' }, el('span', { class: 'key ok' }), 'succeeded', el('span', { class: 'key bad' }), 'failed, timed out, cancelled or lost')),
      el('figure', {},
        el('figcaption', {}, 'Submit → result latency'),
        latencyChart(hour),
        el('div', { class: 'legend' }, el('span', { class: 'key p50' }), 'p50', el('span', { class: 'key p95' }), 'p95'))),
  ];
  if (o.workers) {
    children.push(el('h2', {}, 'Workers'), workersTable(o.workers, false));
  }
  children.push(el('h2', {}, 'Recent failures'));
  children.push(o.recentFailures.length === 0
    ? el('p', { class: 'muted' }, 'No job failed lately.')
    : el('div', { class: 'table-wrap' }, el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, 'Status'), el('th', {}, 'Job'), el('th', {}, 'Command'), el('th', {}, 'Why'), el('th', {}, 'When'))),
      el('tbody', {}, o.recentFailures.slice(0, 10).map((f) => el('tr', {},
        el('td', {}, statusBadge(f.status)),
        el('td', {}, el('a', { href: '#/jobs/' + encodeURIComponent(f.jobId) }, f.jobId)),
        el('td', { class: 'cmd' }, f.command),
        el('td', {}, f.error || ''),
        el('td', {}, fmtTime(f.at))))))));
  children.push(el('p', { class: 'muted' }, `Answered by ${o.master}${o.leading ? ' (the leader)' : ' (a standby: the activity above is the leader\u2019s view on its own page)'} at ${fmtTime(o.at)}.`));
  body.replaceChildren(...children);
}

const CHART = { w: 600, h: 160, left: 34, bottom: 18, top: 8 };

function axes(max, unit) {
  const { w, h, left, bottom, top } = CHART;
  return [
    svg('line', { class: 'axis', x1: left, y1: h - bottom, x2: w, y2: h - bottom }),
    svg('text', { x: 2, y: top + 8 }, max + unit),
    svg('text', { x: 2, y: h - bottom }, '0'),
    svg('text', { x: left, y: h - 4 }, '60 min ago'),
    svg('text', { x: w - 30, y: h - 4 }, 'now'),
  ];
}

function barChart(points) {
  const { w, h, left, bottom, top } = CHART;
  const max = Math.max(1, ...points.map((p) => p.ended));
  const step = (w - left) / points.length;
  const scale = (n) => (n / max) * (h - bottom - top);
  const bars = points.flatMap((p, i) => {
    if (!p.ended) return [];
    const x = left + i * step;
    const okHeight = scale(p.ended - p.failed);
    const title = `${fmtTime(p.minute)}: ${p.ended} ended, ${p.failed} not succeeded`;
    return [
      svg('rect', { class: 'bar-ok', x, y: h - bottom - okHeight, width: Math.max(1, step - 1), height: okHeight }, svg('title', {}, title)),
      svg('rect', { class: 'bar-bad', x, y: h - bottom - scale(p.ended), width: Math.max(1, step - 1), height: scale(p.failed) }, svg('title', {}, title)),
    ];
  });
  const total = points.reduce((n, p) => n + p.ended, 0);
  return svg('svg', { class: 'chart', viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-label': `Jobs ended per minute over the last hour: ${total} in all, at most ${max} in a minute` },
    ...axes(max, ''), ...bars);
}

function latencyChart(points) {
  const { w, h, left, bottom, top } = CHART;
  const known = points.filter((p) => p.p95Millis != null);
  const max = Math.max(1, ...known.map((p) => p.p95Millis));
  const step = (w - left) / points.length;
  const y = (ms) => h - bottom - (ms / max) * (h - bottom - top);
  // A line per percentile, broken where a minute had no job.
  const line = (key, cls) => {
    let d = '';
    let drawing = false;
    points.forEach((p, i) => {
      if (p[key] == null) { drawing = false; return; }
      d += `${drawing ? 'L' : 'M'}${(left + i * step + step / 2).toFixed(1)},${y(p[key]).toFixed(1)}`;
      drawing = true;
    });
    return d ? svg('path', { class: cls, d }) : null;
  };
  const last = known.length ? known[known.length - 1] : null;
  const label = last ? `Submit-to-result latency: last minute with jobs p50 ${last.p50Millis} ms, p95 ${last.p95Millis} ms` : 'No job ended in the last hour';
  return svg('svg', { class: 'chart', viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-label': label },
    ...axes(fmtDuration(max).replace(' ', ''), ''), line('p50Millis', 'p50'), line('p95Millis', 'p95'),
    ...known.map((p) => svg('circle', { cx: left + points.indexOf(p) * step + step / 2, cy: y(p.p50Millis), r: 2, class: 'p50' },
      svg('title', {}, `${fmtTime(p.minute)}: p50 ${p.p50Millis} ms, p95 ${p.p95Millis} ms`))));
}

// ---------------------------------------------------------------- workers

function workersTable(workers, withActions, onDrain) {
  if (!workers.length) return el('p', { class: 'muted', id: 'no-workers' }, 'No worker is registered.');
  return el('div', { class: 'table-wrap' }, el('table', { id: 'workers-table' },
    el('thead', {}, el('tr', {},
      el('th', {}, 'Worker'), el('th', {}, 'State'), el('th', {}, 'Slots used'), el('th', { class: 'hide-narrow' }, 'Executors'),
      el('th', { class: 'hide-narrow' }, 'Labels'), el('th', {}, 'Last heartbeat'), withActions ? el('th', {}, 'Actions') : null)),
    el('tbody', {}, workers.map((w) => el('tr', { 'data-worker': w.id },
      el('td', {}, w.id, el('div', { class: 'muted' }, w.address)),
      el('td', { class: 'state' }, statusBadge(w.state)),
      el('td', {}, `${w.activeTasks} of ${w.maxConcurrentTasks}`),
      el('td', { class: 'hide-narrow' }, (w.executors || []).join(', ')),
      el('td', { class: 'hide-narrow' }, Object.entries(w.labels || {}).map(([k, v]) => `${k}=${v}`).join(', ') || '—'),
      el('td', {}, el('span', { title: fmtTime(w.lastHeartbeatAt) }, ago(w.lastHeartbeatAt))),
      withActions ? el('td', {}, may('drain_worker') && w.state !== 'DRAINING'
        ? el('button', { type: 'button', class: 'drain', 'aria-label': 'Drain ' + w.id, onclick: () => onDrain(w) }, 'Drain')
        : '') : null)))));
}

function workersView(view, signal) {
  document.title = 'Workers · distexec';
  const table = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  const scaler = el('div', {});
  const masters = el('div', {});
  view.replaceChildren(el('h1', {}, 'Workers'), table, el('h2', {}, 'Autoscaler'), scaler, el('h2', {}, 'Masters'), masters);
  const drain = async (w) => {
    if (!(await confirmAction(`Drain ${w.id}? It takes no new jobs, finishes what it runs, then leaves the cluster.`, 'Drain'))) return;
    try {
      await api('/workers/' + encodeURIComponent(w.id) + '/drain', { method: 'POST' });
      flash(`${w.id} is draining.`);
      load();
    } catch (e) { flash('Drain failed: ' + e.message, true); }
  };
  const load = async () => {
    try {
      const workers = await api('/workers', { signal });
      table.replaceChildren(workersTable(workers, true, drain));
    } catch (e) { if (!signal.aborted) table.replaceChildren(el('p', { class: 'field-error' }, e.message)); }
  };
  load();
  const timer = setInterval(load, 2000);
  signal.addEventListener('abort', () => clearInterval(timer));
  api('/scaler', { signal }).then((s) => scaler.replaceChildren(scalerPanel(s))).catch((e) => scaler.replaceChildren(el('p', { class: 'muted' }, e.message)));
  api('/cluster', { signal }).then((c) => masters.replaceChildren(mastersPanel(c))).catch((e) => masters.replaceChildren(el('p', { class: 'muted' }, e.message)));
}

function scalerPanel(s) {
  if (!s.enabled) {
    return el('p', { id: 'scaler', class: 'muted' }, 'The autoscaler is off (SCALER=none): the workers are as many as were started.');
  }
  const facts = [
    ['state', s.problem ? 'refused by the API server' : s.leading ? 'taking turns on this master' : `taken by the leader (${s.leader || 'none'})`],
    ['pool', s.pool], ['replicas asked', s.replicas], ['starting', s.starting],
    ['workers', `${s.settings.minWorkers} to ${s.settings.maxWorkers}, ${s.settings.slotsPerWorker} slots each`],
    ['last decision', s.last ? `${s.last.kind}: ${s.last.reason}` : 'none yet'],
    ['problem', s.problem],
  ].filter(([, v]) => v !== null && v !== undefined);
  return el('div', { id: 'scaler' },
    el('dl', { class: 'spec' }, facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))])),
    (s.recent || []).length
      ? el('div', {}, el('h3', {}, 'Recent decisions'), el('ol', { class: 'timeline', id: 'scaler-decisions' }, s.recent.map((d) => el('li', {},
        el('strong', {}, d.kind), ' ', fmtTime(d.at), el('div', { class: 'muted' }, d.reason)))))
      : el('p', { class: 'muted' }, 'No scaling decision yet.'));
}

function mastersPanel(c) {
  return el('div', { class: 'table-wrap' }, el('table', { id: 'masters-table' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Master'), el('th', {}, 'Role'), el('th', {}, 'API'), el('th', {}, 'Started'), el('th', {}, 'Last seen'))),
    el('tbody', {}, (c.masters || []).map((m) => el('tr', {},
      el('td', {}, m.name, m.name === c.self ? el('span', { class: 'muted' }, ' (answering)') : ''),
      el('td', {}, statusBadge(String(m.role).toLowerCase() === 'leader' ? 'leader' : 'standby', String(m.role).toLowerCase())),
      el('td', {}, m.apiAddress),
      el('td', {}, fmtTime(m.startedAt)),
      el('td', {}, ago(m.lastSeenAt)))))),
  c.leader ? el('p', { class: 'muted' }, `Leader: ${c.leader.name}, term ${c.leader.term}, since ${fmtTime(c.leader.since)}.`) : el('p', { class: 'field-error' }, 'No master leads right now.'));
}

// ---------------------------------------------------------------- jobs

function jobsView(view, params, signal) {
  document.title = 'Jobs · distexec';
  const field = (id, label, input) => el('div', {}, el('label', { for: id }, label), input);
  const status = el('select', { id: 'f-status', name: 'status' }, el('option', { value: '' }, 'any'),
    STATUSES.map((s) => el('option', { value: s, selected: params.get('status') === s }, s)));
  const text = el('input', { id: 'f-q', name: 'q', type: 'search', value: params.get('q') || '', placeholder: 'text in the command' });
  const worker = el('input', { id: 'f-worker', name: 'worker', value: params.get('worker') || '', size: 14 });
  const since = el('input', { id: 'f-since', name: 'since', value: params.get('since') || '', placeholder: '1h or 2026-01-01T00:00:00Z', size: 18 });
  const until = el('input', { id: 'f-until', name: 'until', value: params.get('until') || '', placeholder: 'optional', size: 18 });
  const form = el('form', { class: 'filters', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const input of [status, text, worker, since, until]) if (input.value.trim()) q.set(input.name, input.value.trim());
    location.hash = '#/jobs' + (q.toString() ? '?' + q : '');
  } },
  field('f-status', 'Status', status), field('f-q', 'Command contains', text), field('f-worker', 'Worker', worker),
  field('f-since', 'Created since', since), field('f-until', 'Created before', until),
  el('div', {}, el('button', { type: 'submit', class: 'primary' }, 'Filter')));
  const note = el('p', { class: 'muted', id: 'jobs-note' });
  const tbody = el('tbody', { id: 'jobs-body' });
  const more = el('button', { type: 'button', id: 'load-more', hidden: true }, 'Load more');
  view.replaceChildren(el('h1', {}, 'Jobs'), form, note,
    el('div', { class: 'table-wrap' }, el('table', { id: 'jobs-table' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Status'), el('th', {}, 'Job'), el('th', {}, 'Command'), el('th', {}, 'Worker'),
        el('th', { class: 'hide-narrow' }, 'Submitter'), el('th', { class: 'hide-narrow' }, 'Created'), el('th', {}, 'Duration'))),
      tbody)), el('div', { class: 'actions' }, more));

  const filters = new URLSearchParams(params);
  filters.set('limit', PAGE_SIZE);
  let cursor = null;
  let pages = 0;
  let shown = new Set();
  const row = (j, fresh) => el('tr', { class: fresh ? 'fresh' : null, 'data-job': j.id },
    el('td', {}, statusBadge(j.status)),
    el('td', {}, el('a', { href: '#/jobs/' + encodeURIComponent(j.id) }, j.id)),
    el('td', { class: 'cmd' }, commandLine(j)),
    el('td', {}, j.worker || ''),
    el('td', { class: 'hide-narrow' }, j.owner || ''),
    el('td', { class: 'hide-narrow' }, fmtTime(j.createdAt)),
    el('td', {}, durationOf(j)));
  const load = async (first) => {
    const q = new URLSearchParams(filters);
    if (!first && cursor) q.set('cursor', cursor);
    const started = performance.now();
    let page;
    try {
      page = await api('/jobs?' + q, { signal });
    } catch (e) {
      if (!signal.aborted) note.replaceChildren(el('span', { class: 'field-error' }, e.message));
      return;
    }
    const took = Math.round(performance.now() - started);
    if (first) {
      const before = shown;
      shown = new Set(page.jobs.map((j) => j.id));
      tbody.replaceChildren(...page.jobs.map((j) => row(j, pages > 0 && !before.has(j.id))));
      pages = 1;
    } else {
      page.jobs.forEach((j) => shown.add(j.id));
      tbody.append(...page.jobs.map((j) => row(j, false)));
      pages++;
    }
    cursor = page.nextCursor;
    more.hidden = !cursor;
    note.textContent = tbody.children.length === 0 ? 'No job matches.' : `${tbody.children.length} job(s) shown, newest first (page loaded in ${took} ms).`;
    note.dataset.took = took;
  };
  more.addEventListener('click', () => load(false));
  load(true);
  // New jobs and changes appear live: the overview stream counts job changes; the first page is
  // fetched again when it moved (only while no further page is open, so a reader is not moved).
  let changes = null;
  let pending = null;
  follow('/overview/events', { signal, onEvent: (name, o) => {
    if (name !== 'overview') return;
    if (changes !== null && o.changes !== changes && pages <= 1 && !pending) {
      pending = setTimeout(() => { pending = null; load(true); }, 300);
    }
    changes = o.changes;
  } });
}

// ---------------------------------------------------------------- one job

/**
 * One stream's output, kept to a head and a tail in the page however much arrives, so that a job
 * printing without end leaves the page responsive; repainted at most once a frame.
 */
class OutputPane {
  constructor(name, label) {
    this.name = name;
    this.headLimit = 256 * 1024;
    this.tailLimit = 256 * 1024;
    this.head = '';
    this.tail = '';
    this.hiddenChars = 0;
    this.bytes = 0;
    this.pre = el('pre', { class: 'output ' + name, id: 'out-' + name, tabindex: 0, 'aria-label': label + ' output' });
    this.size = el('span', { class: 'muted', id: 'size-' + name }, 'nothing printed yet');
    this.node = el('section', { class: 'pane', 'aria-label': label }, el('h3', {}, label, this.size), this.pre);
    this.scheduled = false;
    this.encoder = new TextEncoder();
  }

  /** A chunk at byte `offset` of the stream; a gap (output the master did not keep) is marked. */
  append(text, offset) {
    if (offset > this.bytes) this.addText(`\n[distexec: ${offset - this.bytes} bytes not kept by the master]\n`, true);
    else if (offset < this.bytes) return; // heard already
    this.bytes = offset + this.encoder.encode(text).length;
    this.addText(text);
  }

  addText(text) {
    if (this.hiddenChars === 0 && this.head.length + text.length <= this.headLimit) {
      this.head += text;
    } else {
      if (this.hiddenChars === 0 && this.head.length < this.headLimit) {
        const room = this.headLimit - this.head.length;
        this.head += text.slice(0, room);
        text = text.slice(room);
      }
      this.tail += text;
      if (this.tail.length > this.tailLimit) {
        const cut = this.tail.length - this.tailLimit;
        this.hiddenChars += cut;
        this.tail = this.tail.slice(cut);
      }
    }
    this.schedule();
  }

  /**
   * The whole kept output at once (a finished job), replacing what streamed: shown whole, as the
   * master keeps at most twice OUTPUT_CAP_BYTES (4 MiB) of it.
   */
  set(text, bytes) {
    this.headLimit = Math.max(this.headLimit, text.length);
    this.head = '';
    this.tail = '';
    this.hiddenChars = 0;
    this.bytes = bytes;
    this.addText(text);
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.paint(); });
  }

  paint() {
    const atBottom = this.pre.scrollHeight - this.pre.scrollTop - this.pre.clientHeight < 30;
    const parts = [];
    parts.push(...marked(this.head));
    if (this.hiddenChars) parts.push(el('span', { class: 'omitted' }, `[console: ${this.hiddenChars} characters not shown here; download the output for what the master kept]`));
    if (this.tail) parts.push(...marked(this.tail));
    this.pre.replaceChildren(...parts);
    this.size.textContent = this.bytes ? fmtBytes(this.bytes) + ' printed' : 'nothing printed';
    if (atBottom) this.pre.scrollTop = this.pre.scrollHeight;
  }
}

/** Lines per block of a long output: blocks off screen are skipped by layout (content-visibility). */
const LINES_PER_BLOCK = 200;

/**
 * Output text as nodes: the worker's marks of what it left out shown apart, and a long text cut
 * into blocks of lines, so that the browser lays out only the blocks in view and a page holding
 * megabytes of output answers at once.
 */
function marked(text) {
  const nodes = [];
  text.split(/(\[distexec: [^\]\n]*(?:omitted|not kept)[^\]\n]*\])/).forEach((piece, i) => {
    if (i % 2) { nodes.push(el('span', { class: 'omitted' }, piece)); return; }
    if (piece.length < 16384) { nodes.push(document.createTextNode(piece)); return; }
    let from = 0;
    while (from < piece.length) {
      let to = from;
      for (let n = 0; n < LINES_PER_BLOCK && to >= 0 && to < piece.length; n++) to = piece.indexOf('\n', to) + 1 || -1;
      const end = to <= 0 ? piece.length : to;
      nodes.push(el('span', { class: 'block' }, piece.slice(from, end)));
      from = end;
    }
  });
  return nodes;
}

function jobView(view, id, signal) {
  document.title = id + ' · distexec';
  const header = el('div', {});
  const facts = el('div', { class: 'grid2' });
  const out = new OutputPane('stdout', 'stdout');
  const err = new OutputPane('stderr', 'stderr');
  const liveNote = el('span', { class: 'muted', id: 'output-note' });
  const wrap = el('button', { type: 'button', id: 'wrap', 'aria-pressed': 'true', onclick: () => {
    const on = wrap.getAttribute('aria-pressed') !== 'true';
    wrap.setAttribute('aria-pressed', String(on));
    for (const p of [out, err]) p.pre.classList.toggle('nowrap', !on);
  } }, 'Wrap lines');
  const download = (stream) => el('button', { type: 'button', id: 'download-' + stream, onclick: async () => {
    const response = await fetch(`${API}/jobs/${encodeURIComponent(id)}/output?stream=${stream}`, { headers: headers({ Accept: 'text/plain' }) });
    if (!response.ok) { flash('Download failed: HTTP ' + response.status, true); return; }
    const url = URL.createObjectURL(await response.blob());
    const a = el('a', { href: url, download: `${id}.${stream}.txt` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } }, 'Download ' + stream);
  view.replaceChildren(header, facts,
    el('h2', {}, 'Output ', liveNote),
    el('div', { class: 'actions' }, wrap, download('stdout'), download('stderr')),
    el('div', { class: 'panes' }, out.node, err.node));

  let job = null;
  let refreshing = null;
  const refresh = async () => {
    try {
      job = await api('/jobs/' + encodeURIComponent(id), { signal });
    } catch (e) {
      if (!signal.aborted) header.replaceChildren(el('h1', {}, 'Job ' + id), el('p', { class: 'field-error' }, e.status === 404 ? 'No such job (or not yours to see).' : e.message));
      return null;
    }
    renderJob(header, facts, job);
    return job;
  };
  const refreshSoon = () => {
    if (!refreshing) refreshing = setTimeout(() => { refreshing = null; refresh(); }, 150);
  };
  const showFinal = (j) => {
    out.set(j.stdout || '', j.stdoutBytes);
    err.set(j.stderr || '', j.stderrBytes);
    liveNote.textContent = j.outputTruncated ? '· long output: the head and the tail are kept' : '';
  };
  refresh().then((j) => {
    if (!j) return;
    if (TERMINAL.has(j.status)) { showFinal(j); return; }
    // Live: every event from the first; after a dropped connection the stream resumes after the
    // last event it delivered (Last-Event-ID), so output continues without a gap or a repeat.
    let ended = false;
    follow('/jobs/' + encodeURIComponent(id) + '/events?after=0', {
      signal,
      done: () => ended,
      onState: (s) => { liveNote.textContent = s === 'live' ? '· following live' : '· reconnecting…'; liveNote.className = s === 'live' ? 'live' : 'muted'; },
      onEvent: (name, e) => {
        if (name === 'output') (e.stream === 'stderr' ? err : out).append(e.data, e.offset);
        else if (name === 'state') {
          if (TERMINAL.has(e.status)) {
            ended = true;
            refresh().then((f) => { if (f) { showFinal(f); } });
          } else refreshSoon();
        }
      },
    });
  });
}

function renderJob(header, facts, j) {
  const actions = [];
  if (!TERMINAL.has(j.status) && may('cancel_job') && (me.roles.some((r) => r === 'operator' || r === 'admin') || j.owner === me.name)) {
    actions.push(el('button', { type: 'button', id: 'cancel', class: 'danger', onclick: async () => {
      if (!(await confirmAction(`Cancel ${j.id}? A running command is killed with its process tree.`, 'Cancel job'))) return;
      try {
        await api('/jobs/' + encodeURIComponent(j.id) + '/cancel', { method: 'POST' });
        flash('Cancel sent.');
      } catch (e) { flash('Cancel failed: ' + e.message, true); }
    } }, 'Cancel'));
  }
  if (may('submit_job')) {
    actions.push(el('button', { type: 'button', id: 'rerun', onclick: async () => {
      try {
        const again = await api('/jobs/' + encodeURIComponent(j.id) + '/rerun', { method: 'POST' });
        location.hash = '#/jobs/' + encodeURIComponent(again.id);
      } catch (e) { flash('Run again failed: ' + e.message, true); }
    } }, 'Run again'));
  }
  header.replaceChildren(...[
    el('h1', {}, 'Job ', el('code', {}, j.id), ' ', el('span', { id: 'job-status' }, statusBadge(j.status))),
    j.waiting ? el('p', { id: 'waiting' }, el('strong', {}, 'Waiting: '), j.waiting) : null,
    j.error ? el('p', { id: 'job-error', class: 'field-error' }, j.error) : null,
    el('div', { class: 'actions' }, actions)].filter(Boolean));
  const dl = (pairs) => el('dl', { class: 'spec' }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))]));
  facts.replaceChildren(
    el('section', { 'aria-labelledby': 'spec-h' }, el('h2', { id: 'spec-h' }, 'Spec'), dl([
      ['type', j.type], ['command', j.command], ['args', JSON.stringify(j.args || [])], ['shell', j.shell ? 'yes' : 'no'],
      ['env', (j.envNames || []).length ? j.envNames.map((n) => n + '=(hidden)').join(' ') : '—'],
      ['workdir', j.workdir || '(a fresh folder)'], ['timeout', j.timeoutSeconds ? j.timeoutSeconds + ' s' : 'none'],
      ['attempts', `${j.attempt} of ${j.maxAttempts}`], ['submitter', j.owner], ['worker', j.worker]])),
    el('section', { 'aria-labelledby': 'usage-h' }, el('h2', { id: 'usage-h' }, 'Result and usage'), dl([
      ['exit code', j.exitCode], ['created', fmtTime(j.createdAt)], ['started', fmtTime(j.startedAt)], ['finished', fmtTime(j.finishedAt)],
      ['wall time', fmtDuration(j.wallTimeMillis)], ['CPU time', fmtDuration(j.cpuTimeMillis)], ['peak memory', fmtBytes(j.peakRssBytes)],
      ['processes killed', j.processesKilled || null],
      ['stdout', TERMINAL.has(j.status) ? fmtBytes(j.stdoutBytes) : null], ['stderr', TERMINAL.has(j.status) ? fmtBytes(j.stderrBytes) : null]]),
    el('h2', {}, 'History'),
    el('ol', { class: 'timeline', id: 'timeline' }, (j.history || []).map((h) => el('li', {},
      statusBadge(h.status), ' ', fmtTime(h.at),
      h.worker ? el('span', { class: 'muted' }, ` on ${h.worker}`) : '',
      h.attempt ? el('span', { class: 'muted' }, `, attempt ${h.attempt}`) : '',
      h.exitCode !== null && h.exitCode !== undefined ? el('span', { class: 'muted' }, `, exit ${h.exitCode}`) : '',
      h.error ? el('div', {}, h.error) : '')))));
}

// ---------------------------------------------------------------- submit

const SUBMIT_FIELDS = ['command', 'args', 'shell', 'env', 'workdir', 'stdin', 'timeoutSeconds', 'maxAttempts', 'retryOnExitCodes'];

function submitView(view) {
  document.title = 'Submit · distexec';
  const field = (name, label, input, hint) => el('div', { class: 'field' },
    el('label', { for: 's-' + name }, label), input,
    hint ? el('p', { class: 'hint', id: 'h-' + name }, hint) : null,
    el('p', { class: 'field-error', id: 'e-' + name, hidden: true }));
  const input = (name, attrs) => el(attrs && attrs.rows ? 'textarea' : 'input',
    Object.assign({ id: 's-' + name, name, 'aria-describedby': `h-${name} e-${name}` }, attrs || {}));
  const summary = el('div', { id: 'submit-errors', role: 'alert', class: 'field-error', hidden: true });
  const form = el('form', { class: 'submit', novalidate: true, onsubmit: (e) => { e.preventDefault(); send(form, summary); } },
    summary,
    field('command', 'Command', input('command', { type: 'text', autocomplete: 'off', spellcheck: 'false' }), 'The program to run, e.g. echo or /usr/bin/env.'),
    field('args', 'Arguments', input('args', { rows: 3, spellcheck: 'false' }), 'One argument per line, passed as they are (no shell).'),
    el('div', { class: 'field' }, el('label', {}, input('shell', { type: 'checkbox' }), ' Run through /bin/sh -c (the command is a script; arguments are $1, $2, ...)'),
      el('p', { class: 'field-error', id: 'e-shell', hidden: true })),
    field('env', 'Environment', input('env', { rows: 2, spellcheck: 'false' }), 'NAME=value, one per line. Values are never shown again.'),
    field('workdir', 'Working directory', input('workdir', { type: 'text' }), 'Empty: a fresh folder, removed at the end.'),
    field('stdin', 'Standard input', input('stdin', { rows: 2 }), null),
    field('timeoutSeconds', 'Timeout (seconds)', input('timeoutSeconds', { type: 'number', min: 0, inputmode: 'numeric' }), 'Empty: the master\u2019s default.'),
    field('maxAttempts', 'Attempts', input('maxAttempts', { type: 'number', min: 1, inputmode: 'numeric' }), 'How many times to try (default 1): a lost job is tried again, and a failed one when its exit code is listed below.'),
    field('retryOnExitCodes', 'Retry on exit codes', input('retryOnExitCodes', { type: 'text', inputmode: 'numeric', placeholder: 'e.g. 75, 111' }), 'Exit codes that mean "try again", separated by commas.'),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'submit' }, 'Submit')));
  view.replaceChildren(el('h1', {}, 'Submit a job'), form);
  $('#s-command').focus();
}

function showFieldErrors(form, summary, errors) {
  for (const name of SUBMIT_FIELDS) {
    const box = $('#e-' + name, form);
    box.hidden = true;
    box.textContent = '';
    $('#s-' + name, form).removeAttribute('aria-invalid');
  }
  const general = [];
  for (const { field, message } of errors) {
    const name = (String(field).match(/^[A-Za-z]+/) || [''])[0];
    const box = SUBMIT_FIELDS.includes(name) ? $('#e-' + name, form) : null;
    if (box) {
      box.textContent = (box.textContent ? box.textContent + '; ' : '') + (field !== name ? field + ': ' : '') + message;
      box.hidden = false;
      $('#s-' + name, form).setAttribute('aria-invalid', 'true');
    } else general.push(`${field}: ${message}`);
  }
  summary.hidden = errors.length === 0;
  summary.textContent = errors.length ? `The job was not submitted: ${errors.length} thing(s) to fix${general.length ? ': ' + general.join('; ') : ' (see below)'}.` : '';
  const firstBad = form.querySelector('[aria-invalid="true"]');
  if (firstBad) firstBad.focus();
}

async function send(form, summary) {
  const value = (name) => $('#s-' + name, form).value;
  const errors = [];
  const body = { command: value('command').trim() };
  const args = value('args').split('\n').filter((line) => line !== '');
  if (args.length) body.args = args;
  if ($('#s-shell', form).checked) body.shell = true;
  const env = {};
  value('env').split('\n').filter((l) => l.trim()).forEach((line) => {
    const eq = line.indexOf('=');
    if (eq <= 0) errors.push({ field: 'env', message: `"${line}" is not NAME=value` });
    else env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  });
  if (Object.keys(env).length) body.env = env;
  if (value('workdir').trim()) body.workdir = value('workdir').trim();
  if (value('stdin')) body.stdin = value('stdin');
  for (const name of ['timeoutSeconds', 'maxAttempts']) {
    const raw = value(name).trim();
    if (raw === '') continue;
    if (!/^-?\d+$/.test(raw)) errors.push({ field: name, message: 'must be a whole number' });
    else body[name] = Number(raw);
  }
  const codes = value('retryOnExitCodes').split(',').map((c) => c.trim()).filter(Boolean);
  if (codes.some((c) => !/^-?\d+$/.test(c))) errors.push({ field: 'retryOnExitCodes', message: 'must be whole numbers separated by commas' });
  else if (codes.length) body.retryOnExitCodes = codes.map(Number);
  if (errors.length) { showFieldErrors(form, summary, errors); return; }
  const button = $('#submit', form);
  button.disabled = true;
  try {
    const job = await api('/jobs', { method: 'POST', body });
    location.hash = '#/jobs/' + encodeURIComponent(job.id);
  } catch (e) {
    const problem = e.problem || {};
    showFieldErrors(form, summary, problem.errors && problem.errors.length ? problem.errors : [{ field: 'request', message: e.message }]);
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- audit

function auditView(view) {
  document.title = 'Audit · distexec';
  const tbody = el('tbody', {});
  const more = el('button', { type: 'button', hidden: true }, 'Load more');
  const check = el('p', { class: 'muted', id: 'audit-check' });
  let after = 0;
  const load = async () => {
    try {
      const entries = await api('/audit?limit=100&after=' + after);
      tbody.append(...entries.map((e) => el('tr', {},
        el('td', {}, e.sequence), el('td', {}, fmtTime(e.at)), el('td', {}, e.actor), el('td', {}, e.action),
        el('td', {}, e.target || ''), el('td', { class: 'hide-narrow' }, e.address || ''), el('td', {}, e.outcome))));
      if (entries.length) after = entries[entries.length - 1].sequence;
      more.hidden = entries.length < 100;
    } catch (e) { check.textContent = e.message; }
  };
  more.addEventListener('click', load);
  view.replaceChildren(el('h1', {}, 'Audit trail'),
    el('p', { class: 'muted' }, 'Every change asked of the master, refused ones too, oldest first; each entry is chained to the one before by its hash.'),
    el('div', { class: 'actions' }, el('button', { type: 'button', onclick: async () => {
      check.textContent = 'Checking…';
      try {
        const v = await api('/audit/verify');
        check.textContent = v.valid ? `The chain of ${v.entries} entries is intact.` : `The chain is broken at entry ${v.brokenAt}: ${v.problem}`;
      } catch (e) { check.textContent = e.message; }
    } }, 'Verify the chain')), check,
    el('div', { class: 'table-wrap' }, el('table', { id: 'audit-table' },
      el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'When'), el('th', {}, 'Who'), el('th', {}, 'Action'),
        el('th', {}, 'Target'), el('th', { class: 'hide-narrow' }, 'From'), el('th', {}, 'Outcome'))), tbody)),
    el('div', { class: 'actions' }, more));
  load();
}
