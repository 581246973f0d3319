// second_step_form: the sign-in's second step (docs/protocol.md, "Two-step sign-in"), for a
// login that answered `202` with a challenge: a password login (auth_screen.js) or an OpenID
// Connect one (oidc_screen.js). secondStepForm({api, challenge, onLoggedIn, onBack}) returns
// the card: a code from the authenticator app or a recovery code, sent with POST
// /api/v1/sessions/second-factor; success calls onLoggedIn({token, device_id, user}); a refusal
// is a sentence in the card's alert; "Back" calls onBack().
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';

export function secondStepForm({ api, challenge, onLoggedIn, onBack }) {
  const code = h('input', { id: 'auth-code', name: 'code', autocomplete: 'one-time-code', required: true, maxlength: 64, autocapitalize: 'none' });
  const stepAlert = h('p', { className: 'form-error', role: 'alert' });
  const verify = h('button', { type: 'submit', className: 'primary' }, t('two_step_verify'));
  async function onVerify(event) {
    event.preventDefault();
    stepAlert.textContent = '';
    verify.disabled = true;
    try {
      const login = await api.secondFactor(challenge, code.value.trim());
      onLoggedIn({ token: login.token, device_id: login.device_id, user: login.user });
    } catch (error) {
      stepAlert.textContent = errorText(error, 'second_step');
      verify.disabled = false;
    }
  }
  const element = h('main', { className: 'auth' },
    h('form', { className: 'card', onSubmit: onVerify, 'aria-labelledby': 'auth-title' },
      h('h1', { id: 'auth-title' }, t('two_step_login_title')),
      h('p', {}, t('two_step_login_intro')),
      h('label', { for: 'auth-code' }, t('two_step_code')), code,
      stepAlert,
      verify,
      h('a', { href: '/login', onClick: (event) => { event.preventDefault(); onBack(); } }, t('two_step_back'))));
  return { element, focus: () => code.focus() };
}
