// current_password: the "current password" field that sensitive changes ask for (the e-mail
// address, two-step sign-in, deleting the account). An account without a password (made by
// an OpenID Connect sign-in) has none to give: for it the field is left out and the change is
// sent with "", which the server accepts only after a fresh proof of identity
// (identity_confirmation.js; docs/protocol.md, "Accounts without a password").
// currentPasswordField(id, hasPassword) returns {label, input}; for no password, both are null
// (h() skips them) and value() is "".
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function currentPasswordField(id, hasPassword) {
  if (!hasPassword) return { label: null, input: null, value: () => '', valid: () => true };
  const input = h('input', { id, type: 'password', autocomplete: 'current-password', required: true });
  return {
    label: h('label', { for: id }, t('old_password')),
    input,
    value: () => input.value,
    valid: () => input.reportValidity(),
  };
}
