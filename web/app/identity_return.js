// identity_return: the return from a provider when the signed-in user was proving who they are
// (components/identity_confirmation.js, which marks it in sessionStorage before it leaves)
// rather than signing in. Kept apart from that component, which loads with Settings only.
// finishIdentityConfirmation(api, oidcReturn) — for main.js, signed in, with what
// oidc_return.js read: null when no confirmation was under way; otherwise a promise, settled
// once the server has the proof (POST /account/identities/confirm) or refused it. takeOutcome()
// gives the last outcome once ({ok: true} or {error}), for Settings to show.
export const CONFIRMING_MARKER = 'parley.confirming-identity';
let outcome = null;

export function finishIdentityConfirmation(api, oidcReturn) {
  if (!oidcReturn || sessionStorage.getItem(CONFIRMING_MARKER) === null) return null;
  sessionStorage.removeItem(CONFIRMING_MARKER);
  if (!oidcReturn.ticket) {
    outcome = { error: { code: 'unauthenticated' } };
    return Promise.resolve();
  }
  return api.confirmIdentity(oidcReturn.ticket).then(
    () => { outcome = { ok: true }; },
    (error) => { outcome = { error }; });
}

export function takeOutcome() {
  const last = outcome;
  outcome = null;
  return last;
}
