// identity_confirmation: Settings > Security for an account without a password (docs/protocol.md,
// "Accounts without a password"). Its sensitive changes (setting a password, the e-mail
// address, two-step sign-in, deleting the account) need a fresh proof of identity instead of
// the password: "Confirm with NAME" for each linked identity goes through that provider again
// (marked in sessionStorage, so the ticket that comes back confirms rather than signs in:
// identity_return.js sends it to POST /account/identities/confirm and main.js opens Settings,
// where the outcome is shown once).
// A confirmation allows one change within 5 minutes (the server's rule).
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';
import { CONFIRMING_MARKER, takeOutcome } from '../identity_return.js';

function begin(provider) {
  sessionStorage.setItem(CONFIRMING_MARKER, '1');
  location.assign(`/api/v1/auth/oidc/${encodeURIComponent(provider)}/start`);
}

// The panel: why, a button per linked identity, and the last outcome.
export function createIdentityConfirmation(api) {
  const buttons = h('div', { className: 'row' });
  const status = h('p', { className: 'form-status', role: 'status' });
  const element = h('section', { className: 'identity-confirmation', 'aria-labelledby': 'identity-confirm-title' },
    h('h4', { id: 'identity-confirm-title' }, t('identity_confirm_title')),
    h('p', {}, t('identity_confirm_intro')), buttons, status);
  const outcome = takeOutcome();
  if (outcome) status.textContent = outcome.ok ? t('identity_confirmed') : errorText(outcome.error, 'identity_confirm');
  api.identities().then(({ identities }) => {
    const providers = [...new Map(identities.map((i) => [i.provider, i.provider_display_name || i.provider])).entries()];
    buttons.replaceChildren(...providers.map(([provider, name]) =>
      h('button', { type: 'button', className: 'primary', onClick: () => begin(provider) }, t('identity_confirm_with', { name }))));
  }, (error) => { status.textContent = errorText(error); });
  return element;
}
