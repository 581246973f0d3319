// connection: the one WebSocket to /ws (docs/protocol.md "WebSocket").
//
// Contract
// - start() connects and keeps connecting: after any close it retries with exponential backoff
//   and jitter (backoff.js); while the browser says it is offline it waits for the `online`
//   event instead. stop() closes for good.
// - Every (re)connection begins with `hello` carrying getCursors() (the highest seq this device
//   has per conversation; in several frames when there are thousands: hello_frames.js),
//   getSince() (the last `synced`'s token, '' for none) and `batch: true`; batched messages are
//   split on "\n".
// - onFrame(frame) receives every server frame in order. onStatus(status, retryAt) reports
//   'connecting' | 'syncing' (hello sent, replay running) | 'online' (after `synced`) | 'offline';
//   retryAt is when the next attempt starts (ms since the epoch), or null while waiting for the
//   browser's network. retryNow() starts that attempt at once.
// - onAuthFailed() is called once when the server refuses the token (close 4001); the
//   connection then stops.
// - send(frame) returns false when no socket is open. request(frame) adds a `req` id and
//   resolves with the reply carrying it (rejects on an `error` reply or when the socket closes).
// - A ping every 20 s that gets no pong within 10 s closes the socket, so a dead network is
//   noticed even when the browser does not report it.
import { createBackoff } from './backoff.js';
import { helloFrames } from './hello_frames.js';

const PING_EVERY_MS = 20000;
const PONG_WITHIN_MS = 10000;
const CLOSE_UNAUTHENTICATED = 4001;

export function createConnection({ token, getCursors, getSince = () => '', onFrame, onStatus, onAuthFailed }) {
  const backoff = createBackoff();
  const pending = new Map(); // req -> {resolve, reject}
  let socket = null;
  let stopped = true;
  let retryTimer = null;
  let pingTimer = null;
  let pongTimer = null;
  let requestCounter = 0;

  function setStatus(status, retryAt = null) {
    onStatus(status, retryAt);
  }

  function connect() {
    clearTimeout(retryTimer);
    if (stopped) return;
    if (navigator.onLine === false) {
      setStatus('offline');
      return; // the `online` listener reconnects
    }
    setStatus('connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws`);
    socket = ws;
    ws.onopen = () => {
      for (const frame of helloFrames(token, getCursors(), getSince())) ws.send(JSON.stringify(frame));
      setStatus('syncing');
      startHeartbeat();
    };
    ws.onmessage = (event) => {
      for (const line of String(event.data).split('\n')) {
        if (line.trim()) handleFrame(JSON.parse(line));
      }
    };
    ws.onclose = (event) => onClosed(ws, event.code);
  }

  function handleFrame(frame) {
    if (frame.type === 'pong') clearTimeout(pongTimer);
    if (frame.type === 'synced') {
      backoff.reset();
      setStatus('online');
    }
    if (frame.req && pending.has(frame.req)) {
      const { resolve, reject } = pending.get(frame.req);
      pending.delete(frame.req);
      if (frame.type === 'error') reject(Object.assign(new Error(frame.message), { code: frame.code }));
      else resolve(frame);
    }
    onFrame(frame);
  }

  function onClosed(ws, code) {
    if (ws !== socket) return;
    socket = null;
    stopHeartbeat();
    for (const { reject } of pending.values()) reject(Object.assign(new Error('closed'), { code: 'closed' }));
    pending.clear();
    if (stopped) return;
    if (code === CLOSE_UNAUTHENTICATED) {
      stopped = true;
      setStatus('offline');
      onAuthFailed();
      return;
    }
    const delay = backoff.next();
    setStatus('offline', Date.now() + delay);
    retryTimer = setTimeout(connect, delay);
  }

  function startHeartbeat() {
    stopHeartbeat();
    pingTimer = setInterval(() => {
      if (!send({ type: 'ping', req: `ping-${++requestCounter}` })) return;
      clearTimeout(pongTimer);
      pongTimer = setTimeout(abandonSocket, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  // Gives up on the current socket at once: a close handshake cannot finish on a dead network.
  function abandonSocket() {
    const ws = socket;
    if (!ws) return;
    ws.onmessage = null;
    ws.onclose = null;
    ws.close();
    onClosed(ws, 1006);
  }

  function stopHeartbeat() {
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
  }

  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  function request(frame) {
    const req = `r-${++requestCounter}`;
    return new Promise((resolve, reject) => {
      if (!send({ ...frame, req })) {
        reject(Object.assign(new Error('offline'), { code: 'closed' }));
        return;
      }
      pending.set(req, { resolve, reject });
    });
  }

  function onBrowserOffline() {
    // The browser knows the network is gone: drop the socket now rather than wait for pings.
    abandonSocket();
    setStatus('offline');
  }

  function onBrowserOnline() {
    if (!socket) {
      backoff.reset();
      connect();
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      window.addEventListener('offline', onBrowserOffline);
      window.addEventListener('online', onBrowserOnline);
      connect();
    },
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      window.removeEventListener('offline', onBrowserOffline);
      window.removeEventListener('online', onBrowserOnline);
      socket?.close(1000, 'bye');
    },
    retryNow() {
      if (!stopped && !socket) connect();
    },
    send,
    request,
  };
}
