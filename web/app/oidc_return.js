// oidc_return: what the server sent the browser back to the app with after an OpenID Connect
// sign-in (docs/protocol.md, "Signing in with OpenID Connect"): `/#oidc=TICKET` or
// `/#oidc-error=REASON`. takeOidcReturn() reads it from the address once, at start, and removes
// it from the address bar at once (the ticket signs in: it stays out of the history and of a
// copied link). Returns {ticket}, {error} or null (no such fragment). A ticket is at most
// MAX_TICKET characters of base64url, else it counts as a failed sign-in; a reason is kept
// as text for oidc_buttons.js to map to a sentence (never shown as such).
const MAX_TICKET = 128;
const MAX_REASON = 64;

export function takeOidcReturn() {
  const found = /^#oidc(-error)?=(.*)$/s.exec(location.hash);
  if (!found) return null;
  history.replaceState(history.state, '', location.pathname + location.search);
  const [, isError, value] = found;
  if (isError) return { error: value.slice(0, MAX_REASON) };
  if (!/^[A-Za-z0-9_-]+$/.test(value) || value.length > MAX_TICKET) return { error: 'failed' };
  return { ticket: value };
}
