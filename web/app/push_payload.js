// push_payload: the DOM-free half of Web Push in the app, shared by the service worker
// (web/sw.js) and the page: the VAPID key as subscribe() wants it, and what a notification
// shows for a payload of docs/protocol.md ("Push notifications"). No I/O.

// A base64url string (the server's VAPID public key) as the bytes subscribe() takes.
export function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

// The path a notification opens: its conversation, or the friends screen.
export function pathFor(payload) {
  if (payload.kind === 'friend_request') return '/friends';
  return Number.isInteger(payload.conversation_id) ? `/chat/${payload.conversation_id}` : '/';
}

// {title, options} for showNotification(). One notification per conversation (`tag`): a newer
// one replaces it, as the server's coalescing does.
export function notificationFor(payload) {
  const title = typeof payload.title === 'string' && payload.title ? payload.title : 'Parley';
  const body = typeof payload.body === 'string' ? payload.body : '';
  const tag = payload.kind === 'friend_request' ? `f${payload.sender_id ?? ''}`
    : `c${payload.conversation_id ?? ''}`;
  return { title, options: { body, tag, renotify: true, data: { path: pathFor(payload) } } };
}
