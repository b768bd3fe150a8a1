// HTTP and WebSocket access to the BakeFeature app server. No dependencies.

/** An error the server reported ({"error": ..., "field": ...}) or a network failure. */
export class ApiError extends Error {
  constructor(message, status, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

/**
 * This browser's author id, kept across reloads and tabs: the server keeps an undo history per
 * author, so this person's Ctrl+Z takes back their own changes, never another person's.
 */
export const AUTHOR = (() => {
  const ok = (a) => typeof a === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(a);
  const fresh = () => (globalThis.crypto && crypto.randomUUID ? crypto.randomUUID()
    : Math.random().toString(36).slice(2) + Date.now().toString(36));
  try {
    let a = localStorage.getItem('bakefeature-author');
    if (!ok(a)) {
      a = fresh();
      localStorage.setItem('bakefeature-author', a);
    }
    return a;
  } catch {
    return fresh(); // storage blocked: this page's own history
  }
})();

/** Sends a JSON request and returns the parsed JSON answer; throws ApiError. */
export async function request(method, path, body) {
  const init = { method, headers: { 'X-BakeFeature-Author': AUTHOR } };
  if (method !== 'GET') {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError('cannot reach the app server (' + e.message + ')', 0, null);
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: text.slice(0, 200) };
    }
  }
  if (!res.ok) {
    throw new ApiError((data && data.error) || res.status + ' ' + res.statusText, res.status, data && data.field);
  }
  return data;
}

/**
 * The event stream: a WebSocket to /ws that reconnects with back-off. Emits DOM events on itself:
 * "state" (detail: state "connecting" | "connected" | "offline", retryIn ms, the server's reason if it
 * refused the page) and "message" (detail: the event object).
 */
export class Live extends EventTarget {
  constructor(path = '/ws') {
    super();
    this.url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;
    this.retry = 0;
    this.view = null;
    this.socket = null;
    this.closedByUs = false;
  }

  connect() {
    this.setState('connecting');
    const ws = new WebSocket(this.url);
    this.socket = ws;
    ws.onopen = () => {
      this.retry = 0;
      this.setState('connected');
      if (this.view !== null) {
        this.send({ type: 'view', frame: this.view });
      }
      clearInterval(this.pinger);
      this.pinger = setInterval(() => this.send({ type: 'ping' }), 30000);
    };
    ws.onmessage = (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      this.dispatchEvent(new CustomEvent('message', { detail: msg }));
    };
    ws.onclose = (e) => {
      clearInterval(this.pinger);
      if (this.socket !== ws || this.closedByUs) {
        return;
      }
      const delay = Math.min(8000, 500 * 2 ** this.retry++);
      // 1013: the server has too many pages open; its reason says so.
      this.setState('offline', delay, e.code === 1013 ? e.reason : null);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  setState(state, retryIn, reason = null) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, retryIn, reason } }));
  }

  /** Tells the server which frame this page shows (it keeps that frame's renders fresh). */
  setView(frame) {
    this.view = frame;
    this.send({ type: 'view', frame });
  }

  send(obj) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(obj));
    }
  }

  close() {
    this.closedByUs = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    if (this.socket) {
      this.socket.close();
    }
  }
}
