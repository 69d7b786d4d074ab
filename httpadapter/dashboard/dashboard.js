// wabridge dashboard: sessions, QR login, live events and webhooks, all
// read from the bridge's REST API with the visitor's credentials. Data is
// only ever put into the page as text (textContent), never as HTML.
'use strict';

const TOKEN_KEY = 'wabridge.token';
const MAX_EVENTS = 200;
const SESSIONS_EVERY = 3000;
const WEBHOOKS_EVERY = 10000;
const QR_PREFIX = 'data:image/png;base64,';
// The event list starts with what was stored this long before the page
// connected: the stream alone would replay the whole history.
const RECENT_MS = 10 * 60 * 1000;

const $ = (id) => document.getElementById(id);

// The page's address may carry user:password (ann:pw@host/dashboard),
// and fetch refuses such URLs: requests resolve against the address without
// them, and the browser still sends the credentials it keeps for the site.
const BASE = (() => {
  const u = new URL('.', location.href);
  u.username = '';
  u.password = '';
  return u;
})();

const state = {
  token: sessionStorage.getItem(TOKEN_KEY) || '',
  started: false,
  sessions: new Map(), // name -> {row, loggedIn, account}
  events: [], // newest first
  types: new Set(),
  paused: false,
  missed: 0,
  lastEventId: '',
  stream: null, // AbortController of the running event stream
  login: null, // {session, timer}
  skew: 0, // the bridge's clock minus ours, from its Date headers
  drawing: false, // a redraw of the event list is scheduled
  soon: 0, // timer of a refresh of the sessions an event asked for
};

class AuthError extends Error {}

// api calls the bridge. Paths are relative so the page works behind a
// proxy that serves the bridge under a prefix. Basic-auth credentials the
// browser holds go along by themselves; a bearer token is added here.
async function api(path, opts = {}) {
  const headers = new Headers(opts.headers || {});
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  if (state.token) headers.set('Authorization', 'Bearer ' + state.token);
  if (opts.session) headers.set('X-Session', opts.session);
  const resp = await fetch(new URL(path, BASE), {
    method: opts.method || 'GET', headers, signal: opts.signal,
    cache: 'no-store', credentials: 'same-origin', redirect: 'error',
  });
  const date = Date.parse(resp.headers.get('Date') || '');
  if (!isNaN(date)) state.skew = date - Date.now();
  if (resp.status === 401) {
    needAuth(resp);
    throw new AuthError('credentials required');
  }
  return resp;
}

// apiJSON returns the answer's envelope; a body that is not one becomes an
// envelope saying so.
async function apiJSON(path, opts) {
  const resp = await api(path, opts);
  try {
    return await resp.json();
  } catch (e) {
    return { status: resp.status, message: 'unexpected answer (HTTP ' + resp.status + ')' };
  }
}

function needAuth(resp) {
  const bearer = /bearer/i.test(resp.headers.get('WWW-Authenticate') || '');
  stopAll();
  $('main').hidden = true;
  $('auth').hidden = false;
  if (!bearer) {
    $('token-form').hidden = true;
    $('auth-msg').textContent = 'This bridge wants a user name and password: reload the page to sign in.';
    return;
  }
  $('auth-msg').textContent = state.token ? 'The token was refused.' : 'This bridge requires a bearer token.';
  state.token = '';
  sessionStorage.removeItem(TOKEN_KEY);
  $('token').focus();
}

function onTokenSubmit(ev) {
  ev.preventDefault();
  const token = $('token').value.trim();
  if (!token) return;
  state.token = token;
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token').value = '';
  $('auth').hidden = true;
  $('main').hidden = false;
  start();
}

// el makes an element with text content and optional class.
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function fmtTime(s) {
  if (!s) return '—';
  const d = new Date(s);
  return isNaN(d) ? String(s) : d.toLocaleString();
}

function clip(s, n) {
  s = String(s).replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

// ---- sessions and health, from /readyz (and /app/devices per account)

async function refreshSessions() {
  let env;
  try {
    env = await apiJSON('readyz');
  } catch (e) {
    if (!(e instanceof AuthError)) $('sessions-msg').textContent = 'The bridge does not answer: ' + e.message;
    return;
  }
  const parts = env.data || env.details || {};
  renderHealth(parts, env);
  const details = (parts.sessions && parts.sessions.details) || {};
  const pending = (parts.commands && parts.commands.details) || {};
  const names = Object.keys(details).sort();
  $('sessions-msg').textContent = names.length ? '' : (env.message || 'No sessions.');
  for (const [name, s] of state.sessions) {
    if (!(name in details)) { s.row.remove(); state.sessions.delete(name); }
  }
  for (const name of names) updateSession(name, details[name] || {}, pending[name] || {});
  syncSessionChoice(names);
}

function renderHealth(parts, env) {
  const ul = $('health');
  ul.replaceChildren();
  for (const name of Object.keys(parts).sort()) {
    const p = parts[name] || {};
    if (typeof p !== 'object' || !('ready' in p)) continue;
    let text = name;
    if (name === 'outbox' && p.details) text += ' ' + p.details.entries + ' (oldest ' + p.details.oldest_age + ')';
    ul.append(el('li', text, p.ready ? 'ok' : 'bad'));
  }
  if (env.status !== 200) ul.append(el('li', 'not ready: ' + (env.message || env.status), 'bad'));
}

function updateSession(name, st, pend) {
  let s = state.sessions.get(name);
  if (!s) {
    const row = el('tr');
    row.dataset.session = name;
    row.append(el('td', name), el('td', '', 'state'), el('td', '', 'account'), el('td', '', 'pending'), el('td'));
    const btn = el('button', 'Log in', 'login-btn');
    btn.type = 'button';
    btn.addEventListener('click', () => openLogin(name));
    row.cells[4].append(btn);
    s = { row, loggedIn: null, account: '' };
    state.sessions.set(name, s);
    insertSorted($('sessions-body'), row, name);
  }
  const cells = s.row.cells;
  const label = !st.logged_in ? 'not logged in' : (st.connected ? 'connected' : 'logged in, disconnected');
  cells[1].textContent = label;
  cells[1].className = 'state ' + (!st.logged_in ? 'bad' : (st.connected ? 'ok' : 'warn'));
  cells[3].textContent = pend.pending ? pend.pending + ' (oldest ' + pend.oldest_age + ')' : '0';
  cells[4].firstChild.hidden = !!st.logged_in;
  if (s.loggedIn !== !!st.logged_in) {
    s.loggedIn = !!st.logged_in;
    s.account = '';
    cells[2].textContent = s.loggedIn ? '…' : '—';
    if (s.loggedIn) loadAccount(name, s);
  }
  if (state.login && state.login.session === name && s.loggedIn) loginDone(s);
}

function insertSorted(tbody, row, key) {
  for (const r of tbody.rows) {
    if (r.dataset.session > key) { tbody.insertBefore(row, r); return; }
  }
  tbody.append(row);
}

async function loadAccount(name, s) {
  try {
    const env = await apiJSON('app/devices', { session: name });
    const dev = Array.isArray(env.data) ? env.data[0] : null;
    s.account = dev ? [dev.jid, dev.push_name].filter(Boolean).join(' · ') : '';
  } catch (e) {
    s.account = '';
  }
  s.row.cells[2].textContent = s.account || '—';
  if (state.login && state.login.session === name && s.loggedIn) loginDone(s);
}

// ---- QR and pairing-code login

function openLogin(name) {
  closeLogin();
  state.login = { session: name, timer: 0 };
  $('login-session').textContent = name;
  $('pair-code').textContent = '';
  $('login').hidden = false;
  requestQR(name);
}

function closeLogin() {
  if (state.login) clearTimeout(state.login.timer);
  state.login = null;
  $('login').hidden = true;
  $('login-qr').hidden = true;
  $('login-qr').removeAttribute('src');
}

async function requestQR(name) {
  const status = $('login-status');
  status.textContent = 'Asking for a QR code…';
  let env;
  try {
    env = await apiJSON('app/login', { session: name });
  } catch (e) {
    if (!(e instanceof AuthError)) status.textContent = 'The bridge does not answer: ' + e.message;
    return;
  }
  if (!state.login || state.login.session !== name) return;
  const img = $('login-qr');
  if (env.status !== 200) {
    img.hidden = true;
    status.textContent = env.code === 'ALREADY_LOGGED_IN' ? 'This session is logged in.' : (env.message || 'Login failed.');
    return;
  }
  const d = env.data || {};
  if (typeof d.qr_link === 'string' && d.qr_link.startsWith(QR_PREFIX)) {
    img.src = d.qr_link;
    img.hidden = false;
  }
  const expires = d.expires_at ? new Date(d.expires_at) : new Date(Date.now() + (d.qr_duration || 20) * 1000);
  status.textContent = 'On the phone: WhatsApp → Settings → Linked devices → Link a device, then scan. ' +
    'The code expires at ' + expires.toLocaleTimeString() + ' and is renewed here.';
  // A fresh code a little before this one expires, while the panel is open.
  const wait = Math.max(1000, expires.getTime() - Date.now() - 2000);
  state.login.timer = setTimeout(() => { if (state.login && state.login.session === name) requestQR(name); }, wait);
}

function loginDone(s) {
  clearTimeout(state.login.timer);
  $('login-qr').hidden = true;
  $('pair-code').textContent = '';
  $('login-status').textContent = 'Logged in' + (s.account ? ' as ' + s.account : '') + '.';
}

async function onCodeSubmit(ev) {
  ev.preventDefault();
  if (!state.login) return;
  const phone = $('code-phone').value.replace(/[\s+()-]/g, '');
  const out = $('pair-code');
  out.textContent = 'Asking for a pairing code…';
  try {
    const env = await apiJSON('app/login-with-code?phone=' + encodeURIComponent(phone), { session: state.login.session });
    out.textContent = env.status === 200 && env.data && env.data.pair_code
      ? 'On the phone: Linked devices → Link with phone number, then enter ' + env.data.pair_code
      : (env.message || 'No pairing code.');
  } catch (e) {
    if (!(e instanceof AuthError)) out.textContent = 'The bridge does not answer: ' + e.message;
  }
}

// ---- live events: GET /events/stream read with fetch, so a bearer token
// can go along (EventSource cannot send one), resumed with Last-Event-ID.

function syncSessionChoice(names) {
  const sel = $('events-session');
  const have = Array.from(sel.options, (o) => o.value);
  if (have.join('\n') === names.join('\n')) return;
  const current = sel.value;
  sel.replaceChildren(...names.map((n) => { const o = el('option', n); o.value = n; return o; }));
  if (names.includes(current)) sel.value = current;
  else if (names.includes('default')) sel.value = 'default';
  if (sel.value !== current) connectEvents();
}

function connectEvents() {
  if (state.stream) state.stream.abort();
  state.lastEventId = '';
  const session = $('events-session').value;
  if (!session) return;
  const ctl = new AbortController();
  state.stream = ctl;
  streamEvents(session, ctl.signal, new Date(Date.now() + state.skew - RECENT_MS));
}

// streamEvents follows one session's events from since (by the bridge's
// clock, when it stored them), and after a drop from the last one seen.
async function streamEvents(session, signal, since) {
  let backoff = 1000;
  while (!signal.aborted) {
    try {
      const headers = { Accept: 'text/event-stream' };
      let path = 'events/stream?since=' + encodeURIComponent(since.toISOString());
      if (state.lastEventId) {
        headers['Last-Event-ID'] = state.lastEventId;
        path = 'events/stream';
      }
      const resp = await api(path, { session, headers, signal });
      if (!resp.ok) {
        const env = await resp.json().catch(() => ({}));
        throw new Error(env.message || 'HTTP ' + resp.status);
      }
      setStreamState('live', 'ok');
      backoff = 1000;
      await readSSE(resp.body, signal, onEvent);
      if (!signal.aborted) setStreamState('stream ended; reconnecting…', 'warn');
    } catch (e) {
      if (signal.aborted || e instanceof AuthError) return;
      setStreamState('disconnected (' + e.message + '); retrying…', 'bad');
    }
    await sleep(backoff, signal);
    backoff = Math.min(backoff * 2, 30000);
  }
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

function setStreamState(text, cls) {
  const s = $('events-state');
  s.textContent = text;
  s.className = 'note ' + cls;
}

// readSSE parses a text/event-stream body as the HTML standard does: lines
// end at CR, LF or CRLF, a blank line dispatches, ':' starts a comment,
// data fields join with LF.
async function readSSE(body, signal, dispatch) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
  let buf = '';
  let ev = { id: null, type: '', data: [] };
  const line = (l) => {
    if (l === '') {
      if (ev.id !== null) state.lastEventId = ev.id;
      if (ev.data.length) dispatch({ id: ev.id, type: ev.type || 'message', data: ev.data.join('\n') });
      ev = { id: null, type: '', data: [] };
      return;
    }
    if (l[0] === ':') return;
    const i = l.indexOf(':');
    const field = i < 0 ? l : l.slice(0, i);
    let value = i < 0 ? '' : l.slice(i + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'data') ev.data.push(value);
    else if (field === 'event') ev.type = value;
    else if (field === 'id' && !value.includes('\0')) ev.id = value;
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      // The CR held back at the end was a whole line ending after all.
      if (buf.endsWith('\r')) line(buf.slice(0, -1));
      return;
    }
    buf += value;
    let m;
    const re = /\r\n|\r|\n/g;
    let start = 0;
    while ((m = re.exec(buf)) !== null) {
      // A CR at the very end may be the first half of a CRLF still coming.
      if (m[0] === '\r' && m.index === buf.length - 1) break;
      line(buf.slice(start, m.index));
      start = m.index + m[0].length;
    }
    buf = buf.slice(start);
  }
}

function onEvent(msg) {
  let ce;
  try { ce = JSON.parse(msg.data); } catch (e) { return; }
  if (!ce || typeof ce !== 'object') return;
  state.events.unshift(ce);
  if (state.events.length > MAX_EVENTS) state.events.length = MAX_EVENTS;
  addType(String(ce.type || msg.type));
  // A session's state changed: show it now rather than at the next poll
  // (once for a burst, as the recent events at connect can be).
  if (String(ce.type).startsWith('io.wabridge.session.') && !state.soon) {
    state.soon = setTimeout(() => { state.soon = 0; refreshSessions(); }, 200);
  }
  if (state.paused) {
    state.missed++;
    $('events-pause').textContent = 'Resume (' + state.missed + ' new)';
    return;
  }
  // Events can come by the thousand (the recent ones at connect): the list
  // is redrawn once per frame, not once per event.
  if (!state.drawing) {
    state.drawing = true;
    requestAnimationFrame(() => { state.drawing = false; if (!state.paused) renderEvents(); });
  }
}

function addType(type) {
  if (state.types.has(type)) return;
  state.types.add(type);
  const o = el('option', type.replace(/^io\.wabridge\./, ''));
  o.value = type;
  $('events-type').append(o);
}

function renderEvents() {
  const want = $('events-type').value;
  const rows = [];
  for (const ce of state.events) {
    if (want && ce.type !== want) continue;
    const tr = el('tr');
    tr.dataset.type = String(ce.type);
    const sum = el('td', summary(ce), 'summary');
    sum.title = sum.textContent; // the cell clips to its width
    tr.append(el('td', fmtTime(ce.time)), el('td', String(ce.type).replace(/^io\.wabridge\./, '')),
      el('td', ce.wasession || '—'), el('td', ce.subject || '—'), sum);
    rows.push(tr);
  }
  $('events-body').replaceChildren(...rows);
}

// summary is one line about an event: the text of a message, the state of
// a session, otherwise the event's first plain fields.
function summary(ce) {
  const d = ce.data && typeof ce.data === 'object' ? ce.data : {};
  const who = d.push_name || (d.sender && (d.sender.pn || d.sender.jid)) || '';
  if (d.text || d.caption) return clip((who ? who + ': ' : '') + (d.text || d.caption), 160);
  if (d.type && d.wa_id) return clip((who ? who + ': ' : '') + '[' + d.type + ']', 160);
  if (d.state) return clip(d.state + (d.reason ? ' (' + d.reason + ')' : ''), 160);
  const plain = Object.entries(d).filter(([, v]) => v !== null && typeof v !== 'object').slice(0, 4);
  return clip(plain.map(([k, v]) => k + '=' + v).join(' '), 160);
}

function onPause() {
  state.paused = !state.paused;
  state.missed = 0;
  $('events-pause').textContent = state.paused ? 'Resume' : 'Pause';
  if (!state.paused) renderEvents();
}

// ---- webhooks and their health, from GET /webhooks

async function refreshWebhooks() {
  let env;
  try {
    env = await apiJSON('webhooks');
  } catch (e) {
    if (!(e instanceof AuthError)) $('webhooks-msg').textContent = 'The bridge does not answer: ' + e.message;
    return;
  }
  const msg = $('webhooks-msg');
  if (env.status === 404) { msg.textContent = 'Webhooks are not enabled on this bridge.'; return; }
  if (env.status !== 200 || !Array.isArray(env.data)) { msg.textContent = env.message || 'No answer.'; return; }
  msg.textContent = env.data.length ? '' : 'No webhooks. Create one with POST /webhooks.';
  $('webhooks-body').replaceChildren(...env.data.map(webhookRow));
}

function webhookRow(w) {
  const st = w.status || {};
  const tr = el('tr');
  tr.dataset.id = w.id;
  const running = w.disabled ? 'disabled' + (w.disabled_reason ? ': ' + w.disabled_reason : '') : (st.running ? 'yes' : 'no');
  let lastErr = '—';
  if (st.last_error) {
    lastErr = (st.last_status ? st.last_status + ' ' : '') + clip(st.last_error, 120) + ' (' + fmtTime(st.last_error_at) + ')';
  }
  const events = w.events && w.events.length ? w.events.map((t) => t.replace(/^io\.wabridge\./, '')).join(', ') : 'all';
  tr.title = w.id;
  tr.append(el('td', w.url, 'url'), el('td', events), el('td', running, st.running && !w.disabled ? 'ok' : 'bad'),
    el('td', fmtTime(st.last_success)), el('td', lastErr, st.last_error ? 'warn' : ''),
    el('td', st.consecutive_failures || 0, st.consecutive_failures ? 'bad' : ''), el('td', st.lag || 0),
    el('td', st.dead_letters || 0, st.dead_letters ? 'warn' : ''));
  return tr;
}

// ---- start and stop

let timers = [];

function start() {
  if (state.started) return;
  state.started = true;
  refreshSessions();
  refreshWebhooks();
  // A tab nobody looks at does not poll; it catches up when shown again.
  const whenShown = (f) => () => { if (!document.hidden) f(); };
  timers = [setInterval(whenShown(refreshSessions), SESSIONS_EVERY), setInterval(whenShown(refreshWebhooks), WEBHOOKS_EVERY)];
}

function onVisible() {
  if (document.hidden || !state.started) return;
  refreshSessions();
  refreshWebhooks();
}

function stopAll() {
  timers.forEach(clearInterval);
  timers = [];
  state.started = false;
  if (state.stream) state.stream.abort();
  state.stream = null;
  $('events-session').replaceChildren();
  closeLogin();
}

document.addEventListener('DOMContentLoaded', () => {
  $('token-form').addEventListener('submit', onTokenSubmit);
  $('code-form').addEventListener('submit', onCodeSubmit);
  $('login-close').addEventListener('click', closeLogin);
  $('events-session').addEventListener('change', connectEvents);
  $('events-type').addEventListener('change', renderEvents);
  $('events-pause').addEventListener('click', onPause);
  $('events-clear').addEventListener('click', () => { state.events = []; renderEvents(); });
  $('webhooks-refresh').addEventListener('click', refreshWebhooks);
  document.addEventListener('visibilitychange', onVisible);
  start();
});
