// oidc_buttons: the login screen's "Sign in with ..." (docs/protocol.md, "Signing in with OpenID
// Connect"). createOidcButtons(api) returns an element, empty until GET
// /api/v1/auth/oidc/providers answers, then one link per provider (its display name from the
// server) to /api/v1/auth/oidc/NAME/start, which the browser follows to the provider. No
// provider, or no answer: nothing is shown, and no error (password login still works).
// oidcErrorText(reason) is the sentence for the REASON of `#oidc-error=REASON`: each reason the
// server documents maps to a sentence; any other string gets a generic one (a person never sees
// the reason itself).
import { h } from '../dom.js';
import { t } from '../i18n.js';

const ERROR_KEYS = {
  unknown_provider: 'oidc_error_unknown_provider',
  rate_limited: 'oidc_error_rate_limited',
  unavailable: 'oidc_error_unavailable',
  state: 'oidc_error_state',
  browser: 'oidc_error_browser',
  code: 'oidc_error_code',
  expired: 'oidc_error_clock',
  issued: 'oidc_error_clock',
  malformed: 'oidc_error_unverified',
  signature: 'oidc_error_unverified',
  unknown_key: 'oidc_error_unverified',
  issuer: 'oidc_error_unverified',
  audience: 'oidc_error_unverified',
  nonce: 'oidc_error_unverified',
  subject: 'oidc_error_unverified',
  failed: 'oidc_error_failed',
};

export function oidcErrorText(reason) {
  return t(Object.hasOwn(ERROR_KEYS, reason) ? ERROR_KEYS[reason] : 'oidc_error_failed');
}

export function createOidcButtons(api) {
  const element = h('div', { className: 'oidc-providers', hidden: true });
  api.oidcProviders().then(({ providers }) => {
    const valid = (providers ?? []).filter((p) => typeof p?.name === 'string' && p.name && typeof p.display_name === 'string');
    element.replaceChildren(...valid.map((provider) => h('a', {
      className: 'button-like oidc-button',
      href: `/api/v1/auth/oidc/${encodeURIComponent(provider.name)}/start`,
    }, t('oidc_sign_in_with', { name: provider.display_name }))));
    element.hidden = valid.length === 0;
  }, () => {});
  return element;
}
