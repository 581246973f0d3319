// session: the logged-in device, kept in localStorage so a reload stays logged in.
// Holds {token, device_id, user}; load() returns it or null (also when what is stored lacks the
// token or the user, so a damaged entry means the login screen, never a broken app),
// save()/clear() replace it.
// The token never leaves this module except through the API and the WebSocket hello.
const STORAGE_KEY = 'parley.session';

export function loadSession() {
  try {
    const session = JSON.parse(localStorage.getItem(STORAGE_KEY));
    return session && typeof session.token === 'string' && Number.isInteger(session.user?.id) ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession() {
  localStorage.removeItem(STORAGE_KEY);
}
